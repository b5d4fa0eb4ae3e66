import { render } from 'preact';
import { applyDocumentLocale } from '../../utils/i18n.ts';
import { Popup } from './popup.tsx';
import './style.css';

applyDocumentLocale(document);
render(<Popup />, document.getElementById('app') as HTMLElement);
