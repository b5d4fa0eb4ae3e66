export interface ProfileCardProps {
  name: string;
  email: string | null;
  initials: string;
  busy: boolean;
  onSignOut(): void;
}

/** The signed-in employee: initials avatar, name, email, and Sign out. */
export function ProfileCard({ name, email, initials, busy, onSignOut }: ProfileCardProps) {
  return (
    <section class="profile" aria-label="Your account">
      <span class="avatar" aria-hidden="true">
        {initials}
      </span>
      <div class="profile-text">
        <p class="profile-name" data-testid="user-name">
          {name}
        </p>
        {email ? <p class="profile-email">{email}</p> : null}
      </div>
      <button type="button" class="secondary" onClick={onSignOut} disabled={busy}>
        Sign out
      </button>
    </section>
  );
}
