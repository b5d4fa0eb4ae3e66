/**
 * The launcher popup; the view lives in components/launcher (search, apps,
 * favorites, profile), this entrypoint only names it.
 */
export { LauncherPopup as Popup } from '../../components/launcher/launcher-popup.tsx';
