import { t } from '../../utils/i18n.ts';

export interface AccountCardProps {
  name: string;
  email: string | null;
  jobTitle: string | null;
  initials: string;
  busy: boolean;
  onOpenSettings(): void;
  onSignOut(): void;
}

/**
 * The signed-in employee: initials avatar, name, email, job title, and the
 * account actions (security settings in the options page, sign out), always
 * visible so one click reaches them.
 */
export function AccountCard(props: AccountCardProps) {
  return (
    <section class="account" aria-label={t('accountLabel')}>
      <span class="avatar" aria-hidden="true" dir="auto">
        {props.initials}
      </span>
      <div class="account-text">
        <p class="account-name" data-testid="user-name" dir="auto">
          {props.name}
        </p>
        {props.jobTitle ? (
          <p class="account-detail" data-testid="user-job-title" dir="auto">
            {props.jobTitle}
          </p>
        ) : null}
        {props.email ? (
          <p class="account-detail" data-testid="user-email" dir="ltr">
            {props.email}
          </p>
        ) : null}
      </div>
      <div class="account-actions">
        <button type="button" class="secondary" onClick={props.onOpenSettings}>
          {t('securitySettings')}
        </button>
        <button type="button" class="secondary" onClick={props.onSignOut} disabled={props.busy}>
          {t('signOut')}
        </button>
      </div>
    </section>
  );
}
