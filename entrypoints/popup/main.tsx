import { render } from 'preact';
import { Popup } from './popup.tsx';
import './style.css';

render(<Popup />, document.getElementById('app') as HTMLElement);
