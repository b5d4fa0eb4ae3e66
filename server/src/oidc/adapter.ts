/**
 * oidc-provider adapter over the portal database, SQLite or PostgreSQL (C9): one class instance per model name,
 * backed by repo/oidc-store.ts. `Client` lookups are answered from the `apps`
 * table, so an app added with the CLI becomes a relying party without a
 * restart.
 *
 * @see https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js adapter interface
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { AppsRepo } from '../repo/apps.ts';
import type { OidcStoreRepo } from '../repo/oidc-store.ts';
import { clientMetadataForApp } from './clients.ts';

/** The adapter class oidc-provider instantiates per model (`new Adapter(name)`). */
export function createAdapterFactory(store: OidcStoreRepo, apps: AppsRepo) {
  return class DatabaseAdapter implements Adapter {
    constructor(readonly name: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const expiresAt = typeof expiresIn === 'number' && expiresIn > 0 ? Date.now() + expiresIn * 1000 : null;
      await store.upsert(this.name, id, payload as Record<string, unknown>, expiresAt);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.name === 'Client') {
        const app = await apps.findByClientId(id);
        return app ? (clientMetadataForApp(app) as AdapterPayload) : undefined;
      }
      const stored = await store.find(this.name, id);
      if (!stored) return undefined;
      return {
        ...(stored.payload as AdapterPayload),
        ...(stored.consumed ? { consumed: true } : {}),
      };
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return (await store.findByUserCode(this.name, userCode))?.payload as AdapterPayload | undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return (await store.findByUid(this.name, uid))?.payload as AdapterPayload | undefined;
    }

    async consume(id: string): Promise<void> {
      await store.consume(this.name, id);
    }

    async destroy(id: string): Promise<void> {
      await store.destroy(this.name, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.revokeByGrantId(grantId);
    }
  };
}
