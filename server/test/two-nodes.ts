/**
 * What the multi-node tests (postgres-nodes, node-loss) register on their
 * shared database: the Wiki, an app launched by third-party-initiated login.
 */
import { newApp } from '../src/repo/apps.ts';

export const WIKI = newApp({
  id: 'wiki',
  name: 'Wiki',
  initiateLoginUri: 'https://wiki.example.com/login',
  targetLinkUris: ['https://wiki.example.com/'],
});
