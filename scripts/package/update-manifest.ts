/**
 * The update manifest (`update.xml`) that a self-hosted CRX is installed and
 * updated from.
 */

function escapeXml(value: string): string {
  return value.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );
}

/**
 * The update manifest Chromium fetches from an `update_url` (gupdate, protocol 2.0).
 *
 * @see https://developer.chrome.com/docs/extensions/how-to/distribute/host-on-linux#update_url
 */
export function updateManifestXml(options: { appId: string; codebase: string; version: string }): string {
  return [
    "<?xml version='1.0' encoding='UTF-8'?>",
    "<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>",
    `  <app appid='${escapeXml(options.appId)}'>`,
    `    <updatecheck codebase='${escapeXml(options.codebase)}' version='${escapeXml(options.version)}' />`,
    '  </app>',
    '</gupdate>',
    '',
  ].join('\n');
}
