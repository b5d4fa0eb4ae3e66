/** Options page entrypoint: renders the security centre (pages/options). Wiring only. */
import { render } from 'preact';
import { OptionsApp } from '../../pages/options/options-app.tsx';
import { applyDocumentLocale } from '../../utils/i18n.ts';
import './style.css';

// The browser's language and direction until the settings (read by OptionsApp) choose another.
applyDocumentLocale(document);
render(<OptionsApp />, document.getElementById('app') as HTMLElement);
