import { AccountMenu } from '../../components/account-menu.tsx';
import { t } from '../../utils/i18n.ts';

export interface AccountCardProps {
  name: string;
  email: string | null;
  jobTitle: string | null;
  initials: string;
  busy: boolean;
  onOpenProfile(): void;
  onOpenSettings(): void;
  onSignOut(): void;
}

/**
 * The signed-in employee: the initials open the account menu (name, email,
 * Profile, Security settings, Sign out; components/account-menu.tsx), beside
 * them the name, job title and email in full (they wrap rather than being cut
 * off), and Sign out one click away.
 */
export function AccountCard(props: AccountCardProps) {
  return (
    <section class="account" aria-label={t('accountLabel')}>
      <AccountMenu
        name={props.name}
        email={props.email}
        initials={props.initials}
        placement="above"
        items={[
          { id: 'profile', label: t('accountProfile'), onSelect: props.onOpenProfile },
          { id: 'settings', label: t('securitySettings'), onSelect: props.onOpenSettings },
          { id: 'sign-out', label: t('signOut'), onSelect: props.onSignOut, disabled: props.busy },
        ]}
      />
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
          <p class="account-detail account-email" data-testid="user-email" dir="ltr">
            {props.email}
          </p>
        ) : null}
      </div>
      <button
        type="button"
        class="secondary account-sign-out"
        onClick={props.onSignOut}
        disabled={props.busy}
      >
        {t('signOut')}
      </button>
    </section>
  );
}
