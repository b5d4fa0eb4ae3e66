/** Options page entrypoint: renders the security centre (components/options). Wiring only. */
import { render } from 'preact';
import { OptionsApp } from '../../components/options/options-app.tsx';
import './style.css';

render(<OptionsApp />, document.getElementById('app') as HTMLElement);
