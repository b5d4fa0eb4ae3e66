/**
 * The account menu behind the initials: who is signed in (name and email)
 * and the account actions the page passes in (Profile, Security settings,
 * Sign out). One component for the popup's footer and the security centre's
 * header, so both behave the same.
 *
 * Keyboard and screen readers follow the WAI-ARIA menu button pattern: the
 * button has `aria-haspopup="menu"` and `aria-expanded`; Enter, Space or Down
 * open the menu on its first item, Up on its last; in the menu, Up/Down
 * (wrapping), Home/End and a typed first letter move; Escape closes it and
 * returns focus to the button; Tab closes it and moves on; a click or focus
 * outside closes it.
 *
 * @see https://www.w3.org/WAI/ARIA/apg/patterns/menu-button/
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t } from '../utils/i18n.ts';
import { menuFocusAfterKey } from './menu-keys.ts';
import './account-menu.css';

/** One action in the menu. */
export interface AccountMenuItem {
  /** Stable id (also `data-menu-item`, for tests). */
  readonly id: string;
  readonly label: string;
  readonly disabled?: boolean;
  onSelect(): void;
}

export interface AccountMenuProps {
  readonly name: string;
  readonly email: string | null;
  readonly initials: string;
  readonly items: readonly AccountMenuItem[];
  /** Where the menu opens: above the button (popup footer) or below it (page header). */
  readonly placement: 'above' | 'below';
  /** Prefix of the element ids, unique on the page. */
  readonly idPrefix?: string;
}

export function AccountMenu(props: AccountMenuProps) {
  const { items, placement } = props;
  const prefix = props.idPrefix ?? 'account-menu';
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  /** Which item takes focus once the menu is rendered open. */
  const focusOnOpen = useRef<'first' | 'last' | null>(null);

  const menuItems = (): HTMLButtonElement[] =>
    Array.from(menuRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? []);

  // Layout effect: focus lands on the item in the same frame the menu appears, before any next key.
  useLayoutEffect(() => {
    if (!open || !focusOnOpen.current) return;
    const all = menuItems();
    (focusOnOpen.current === 'last' ? all[all.length - 1] : all[0])?.focus();
    focusOnOpen.current = null;
  }, [open]);

  // A press anywhere else closes the menu (focus stays where the person put it).
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  function openMenu(at: 'first' | 'last') {
    focusOnOpen.current = at;
    setOpen(true);
  }

  function closeMenu(returnFocus: boolean) {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  }

  function onButtonKeyDown(event: KeyboardEvent) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      openMenu(event.key === 'ArrowUp' ? 'last' : 'first');
    } else if (event.key === 'Escape' && open) {
      // Handled here: otherwise the browser may close the whole popup window.
      event.preventDefault();
      closeMenu(true);
    }
  }

  function onMenuKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      closeMenu(true);
      return;
    }
    if (event.key === 'Tab') {
      // Focus moves on to the next control as usual; the menu just closes behind it.
      setOpen(false);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const all = menuItems();
    const current = all.indexOf(document.activeElement as HTMLButtonElement);
    const next = menuFocusAfterKey(
      event.key,
      current,
      all.map((item) => item.textContent ?? ''),
    );
    // Printed characters stay in the menu (type-ahead), not in the popup's search field.
    if (next !== null || event.key.length === 1) event.preventDefault();
    if (next !== null) all[next]?.focus();
  }

  function onFocusOut(event: FocusEvent) {
    const to = event.relatedTarget as Node | null;
    if (open && to && !rootRef.current?.contains(to)) setOpen(false);
  }

  const buttonId = `${prefix}-button`;
  const menuId = `${prefix}-menu`;
  return (
    <div class="account-menu" ref={rootRef} onFocusOut={onFocusOut}>
      <button
        ref={buttonRef}
        id={buttonId}
        type="button"
        class="account-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        data-testid="account-menu-button"
        onClick={() => (open ? closeMenu(false) : openMenu('first'))}
        onKeyDown={onButtonKeyDown}
      >
        {/* The name starts with what is seen (the initials, WCAG 2.5.3), then says what it opens. */}
        <span dir="auto">{props.initials}</span>
        <span class="visually-hidden"> {t('accountMenuButton', props.name)}</span>
      </button>
      {open ? (
        <div class={`account-menu-popover account-menu-${placement}`} data-testid="account-menu">
          <div class="account-menu-who">
            <p class="account-menu-name" dir="auto">
              {props.name}
            </p>
            {props.email ? (
              <p class="account-menu-email" dir="ltr">
                {props.email}
              </p>
            ) : null}
          </div>
          {/* Key handling is delegated from the menu items (buttons) inside. */}
          <div id={menuId} role="menu" aria-labelledby={buttonId} ref={menuRef} onKeyDown={onMenuKeyDown}>
            {items.map((item) => (
              <button
                key={item.id}
                type="button"
                role="menuitem"
                tabIndex={-1}
                disabled={item.disabled}
                data-menu-item={item.id}
                onClick={() => {
                  closeMenu(true);
                  item.onSelect();
                }}
              >
                {item.label}
              </button>
            ))}
          </div>
        </div>
      ) : null}
    </div>
  );
}
