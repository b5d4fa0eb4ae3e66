import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

/**
 * Development manifest key: a clearly marked TEST key (keys/dev-extension-key.pem)
 * that fixes the extension id to CHROME_EXTENSION_ID in utils/portal/contract.ts.
 */
const DEV_MANIFEST_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAskyVD9LGO5Ch2RMGBq5w7b2NV9QkP5MlF4z63hiGH525zlvwAYxj4p6IK/0DnKg1JdG6GvVQU+lXeA5+dbxX6WQ0qlvQYSuZVRNh1+Ksr39yh4TDr6+hbqdq1ohBwxgeDSeDylMq/ddGVFr3EElipOUXgXZWndz3xRFpX9hOBDapksgDE90z1sLUK94/6EvFcm1DFszvgCNAWzQt22Nu6Btuvk70atiShR7McdggUrqNxYwW+XwGsOWj1ZxC6ANke8gcBsXKlTcS5gpF0JT3XgvqU4f4jMiF1GP17XK8SdHw3nn7E+mU+ZCBafP6wEe20/0Ajc8d5pHDDtQspLGgIwIDAQAB';

export default defineConfig({
  srcDir: '.',
  imports: false,
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: 'Portal Launcher',
    description: "Your company's apps, one click away, with single sign-on.",
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'portal-launcher@portal-launcher.dev' } } }
      : { key: DEV_MANIFEST_KEY }),
    permissions: ['storage'],
  }),
});
