/** Recovery codes shown once, with Copy, Download and "I have saved these codes" (from mfa-section.tsx). */
import { useEffect, useRef } from 'preact/hooks';
import { ot } from './i18n.ts';
import { CopyButton, downloadText } from './ui.tsx';

export function RecoveryCodesCard({ codes, onDone }: { codes: string[]; onDone(): void }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const text = `${ot('options_recoveryFileHeading')}\n${ot('options_recoveryFileNote')}\n\n${codes.join('\n')}\n`;
  return (
    <section
      class="card callout"
      ref={ref}
      tabIndex={-1}
      aria-labelledby="recovery-title"
      data-testid="recovery-codes"
    >
      <h3 id="recovery-title">{ot('options_recoveryTitle')}</h3>
      <p>{ot('options_recoveryExplain')}</p>
      <p>
        <strong>{ot('options_recoveryShownOnce')}</strong>
      </p>
      <ul class="codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div class="actions">
        <CopyButton text={codes.join('\n')} label={ot('options_copyRecoveryCodes')} />
        <button type="button" class="secondary" onClick={() => downloadText('recovery-codes.txt', text)}>
          {ot('options_downloadTxt')}
        </button>
        <button type="button" onClick={onDone}>
          {ot('options_recoverySaved')}
        </button>
      </div>
    </section>
  );
}
