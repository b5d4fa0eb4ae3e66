/**
 * Downloads: the agent builds the administrator offers, this computer's
 * system first, each with version, size and SHA-256 (with a copy button, so
 * the file can be checked after download).
 */

import type { Download } from '../../contract/schemas.ts';
import type { AccountProblem } from '../../utils/account/errors.ts';
import { uiLocale } from '../../utils/i18n.ts';
import { callAccount } from './account-client.ts';
import { ot } from './i18n.ts';
import { CopyButton, LoadState, Section, useLoad } from './ui.tsx';

type Os = Download['os'];

const OS_LABELS: Record<Os, string> = { windows: 'Windows', macos: 'macOS', linux: 'Linux' };

/** This computer's OS, from User-Agent Client Hints where available, else the User-Agent string. */
export function detectOs(nav: { userAgent: string; userAgentData?: { platform?: string } }): Os | null {
  const hint = `${nav.userAgentData?.platform ?? ''} ${nav.userAgent}`;
  if (/Windows|Win32|Win64/i.test(hint)) return 'windows';
  if (/mac ?os|Macintosh|Mac OS X/i.test(hint)) return 'macos';
  if (/Linux|X11|CrOS/i.test(hint) && !/Android/i.test(hint)) return 'linux';
  return null;
}

/** This OS first, then the others in the portal's order. */
export function orderDownloads(downloads: Download[], os: Os | null): Download[] {
  return [...downloads.filter((d) => d.os === os), ...downloads.filter((d) => d.os !== os)];
}

/**
 * "1.4 MB" ("1,4 MB" in German): the number in `locale`'s digits and
 * separators; the unit symbols (B, KB, MB, GB) are the same in every language.
 */
export function formatSize(bytes: number, locale?: string): string {
  if (bytes < 1024) return `${bytes.toLocaleString(locale)} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value < 10 ? 1 : 0;
  const number = value.toLocaleString(locale, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return `${number} ${units[unit]}`;
}

export function DownloadsSection({ onProblem }: { onProblem(problem: AccountProblem): void }) {
  const downloads = useLoad(async () => (await callAccount('listDownloads', {})).downloads, onProblem);
  const os = detectOs(navigator as Navigator & { userAgentData?: { platform?: string } });
  return (
    <Section id="downloads" title={ot('options_downloadsTitle')} intro={ot('options_downloadsIntro')}>
      <LoadState
        loaded={downloads}
        loadingText={ot('options_downloadsLoading')}
        failedText={ot('options_downloadsLoadFailed')}
      >
        {(list) =>
          list.length === 0 ? (
            <p class="muted empty">{ot('options_downloadsEmpty')}</p>
          ) : (
            <ul class="download-list" data-testid="downloads">
              {orderDownloads(list, os).map((item) => (
                <li
                  key={item.id}
                  class={`card download${item.os === os ? ' recommended' : ''}`}
                  data-os={item.os}
                >
                  <div class="download-head">
                    <h3>
                      {item.name}{' '}
                      <span class="muted">
                        {ot('options_downloadPlatform', {
                          os: OS_LABELS[item.os],
                          arch: item.arch === 'universal' ? ot('options_archUniversal') : item.arch,
                        })}
                      </span>
                    </h3>
                    {item.os === os ? (
                      <span class="badge badge-on">{ot('options_downloadThisComputer')}</span>
                    ) : null}
                  </div>
                  <p class="muted">
                    {ot('options_downloadVersionSize', {
                      version: item.version,
                      size: formatSize(item.sizeBytes, uiLocale()),
                    })}
                  </p>
                  <p class="checksum">
                    SHA-256 <code>{item.sha256}</code>{' '}
                    <CopyButton text={item.sha256} label={ot('options_copyChecksum', { name: item.name })} />
                  </p>
                  <a class="button" href={item.url} download target="_blank" rel="noopener noreferrer">
                    <span aria-hidden="true">{ot('options_download')}</span>
                    <span class="visually-hidden">
                      {ot('options_downloadNamed', { name: item.name, os: OS_LABELS[item.os] })}
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
    </Section>
  );
}
