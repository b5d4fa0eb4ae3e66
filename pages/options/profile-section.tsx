/**
 * Profile: the portal's sections (details, personal, employment) with inline
 * editing of the fields the portal marks editable. Admin-locked fields and
 * the email address are read-only and say why; the portal's 422 field errors
 * appear under the input.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Me, ProfileField } from '../../contract/schemas.ts';
import type { AccountProblem } from '../../utils/account/errors.ts';
import { callAccount, changeAccount } from './account-client.ts';
import { fieldText, ot, problemText } from './i18n.ts';
import {
  errorAttributes,
  FieldError,
  LoadState,
  LockIcon,
  type Notice,
  Section,
  StatusLine,
  useLoad,
} from './ui.tsx';

export function ProfileSection({ onProblem }: { onProblem(problem: AccountProblem): void }) {
  const me = useLoad(() => callAccount('getProfile', {}), onProblem);
  const [notice, setNotice] = useState<Notice>(null);
  return (
    <Section id="profile" title={ot('options_profileTitle')} intro={ot('options_profileIntro')}>
      <StatusLine notice={notice} />
      <LoadState
        loaded={me}
        loadingText={ot('options_profileLoading')}
        failedText={ot('options_profileLoadFailed')}
      >
        {(profile) => (
          <>
            <div class="identity">
              <span class="avatar large" aria-hidden="true">
                {profile.initials}
              </span>
              <div>
                <p class="identity-name">{profile.displayName}</p>
                <p class="muted">{profile.email}</p>
              </div>
            </div>
            {profile.sections.map((section) => (
              <div class="card" key={section.id} data-profile-section={section.id}>
                <h3>{section.title}</h3>
                <dl class="fields">
                  {section.fields.map((field) => (
                    <FieldRow
                      key={field.name}
                      field={field}
                      onSaved={(updated, label) => {
                        me.set(updated);
                        setNotice({ kind: 'success', text: ot('options_fieldSaved', { field: label }) });
                      }}
                      onProblem={(problem) => {
                        if (problem.code === 'signed_out') onProblem(problem);
                        setNotice({ kind: 'error', text: problemText(problem) });
                      }}
                    />
                  ))}
                </dl>
              </div>
            ))}
          </>
        )}
      </LoadState>
    </Section>
  );
}

function FieldRow({
  field,
  onSaved,
  onProblem,
}: {
  field: ProfileField;
  onSaved(me: Me, label: string): void;
  onProblem(problem: AccountProblem): void;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(field.value ?? '');
  const [error, setError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const editRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const inputId = `field-${field.name}`;
  const errorId = `${inputId}-error`;

  // A layout effect: focus moves in the same commit as the change, before the next paint, so
  // nothing (a screen reader, a fast typist) sees focus drop to the page in between.
  useLayoutEffect(() => {
    if (editing) inputRef.current?.focus();
    else if (returnFocus.current) {
      returnFocus.current = false;
      editRef.current?.focus();
    }
  }, [editing]);

  function start() {
    setDraft(field.value ?? '');
    setError(undefined);
    setEditing(true);
  }

  function cancel() {
    returnFocus.current = true;
    setEditing(false);
    setError(undefined);
  }

  async function save(event: Event) {
    event.preventDefault();
    if (draft === (field.value ?? '')) {
      cancel();
      return;
    }
    setSaving(true);
    const result = await changeAccount<'updateProfile', Me>('updateProfile', {
      patch: { [field.name]: draft },
    });
    setSaving(false);
    if (result.ok) {
      returnFocus.current = true;
      setEditing(false);
      onSaved(result.value, field.label);
      return;
    }
    setError(fieldText(result.problem, field.name));
    onProblem(result.problem);
    inputRef.current?.focus();
  }

  const shown = field.value && field.value.trim() !== '' ? field.value : null;
  return (
    <div class="field-row" data-field={field.name}>
      <dt>{editing ? <label for={inputId}>{field.label}</label> : field.label}</dt>
      <dd>
        {editing ? (
          <form class="inline-edit" onSubmit={save} onKeyDown={(e) => e.key === 'Escape' && cancel()}>
            <input
              id={inputId}
              ref={inputRef}
              value={draft}
              maxLength={500}
              onInput={(e) => setDraft(e.currentTarget.value)}
              {...errorAttributes(errorId, error)}
              type={(field.name === 'phone' ? 'tel' : 'text') as 'text'}
              autoComplete={autocompleteFor(field.name)}
            />
            <button type="submit" disabled={saving}>
              {saving ? ot('options_saving') : ot('options_save')}
            </button>
            <button type="button" class="secondary" onClick={cancel} disabled={saving}>
              {ot('options_cancel')}
            </button>
            <FieldError id={errorId} message={error} />
          </form>
        ) : field.editable ? (
          <div class="field-view">
            <button
              type="button"
              class="value-button"
              onClick={start}
              aria-label={
                shown
                  ? ot('options_editFieldValue', { field: field.label, value: shown })
                  : ot('options_editFieldEmpty', { field: field.label })
              }
            >
              {shown ?? <span class="muted">{ot('options_notSet')}</span>}
            </button>
            <button
              type="button"
              class="secondary small"
              ref={editRef}
              onClick={start}
              data-testid={`edit-${field.name}`}
            >
              <span aria-hidden="true">{ot('options_edit')}</span>
              <span class="visually-hidden">{ot('options_editField', { field: field.label })}</span>
            </button>
          </div>
        ) : (
          <div class="field-view locked">
            <span class="value">{shown ?? <span class="muted">{ot('options_notSet')}</span>}</span>
            <span class="lock-reason" data-testid={`locked-${field.name}`}>
              <LockIcon /> {field.lockedReason ?? ot('options_fieldLocked')}
            </span>
          </div>
        )}
      </dd>
    </div>
  );
}

function autocompleteFor(name: ProfileField['name']): string {
  switch (name) {
    case 'firstName':
      return 'given-name';
    case 'lastName':
      return 'family-name';
    case 'displayName':
      return 'nickname';
    case 'phone':
      return 'tel';
    case 'jobTitle':
      return 'organization-title';
    default:
      return 'off';
  }
}
