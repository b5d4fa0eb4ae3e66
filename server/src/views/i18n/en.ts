/**
 * English texts of the portal's own pages: the reference catalog. Its shape is
 * the {@link Catalog} type the other languages must fill completely (a missing
 * or misspelt key is a type error). Functions take the variable parts.
 */
export const en = {
  cancel: 'Cancel',
  continue: 'Continue',
  portalName: 'Company portal',
  signIn: {
    title: 'Sign in',
    toApp: (app: string) => `Sign in to continue to ${app}.`,
    useCompanyEmail: 'Use your company email address.',
    emailLabel: 'Company email',
    passwordTitle: 'Enter your password',
    signingInAs: 'Signing in as',
    signedInAs: 'Signed in as',
    passwordLabel: 'Password',
    submit: 'Sign in',
    forgotPassword: 'Forgot password?',
    useAnotherAccount: 'Use another account',
  },
  code: {
    title: "Verify it's you",
    titleForApp: (app: string) => `Verify it's you to open ${app}`,
    hint: 'Enter the 6-digit code from your authenticator app. If you do not have your phone, enter one of your recovery codes.',
    label: 'Authentication code',
    submit: 'Verify',
  },
  push: {
    send: 'Send a prompt to my launcher',
    or: 'Or approve this sign-in on a browser where Portal Launcher is signed in.',
    title: 'Approve on your launcher',
    numberLabel: 'Your number',
    hint: 'Open Portal Launcher on your other browser and choose this number. This page continues by itself once you approve.',
    expiresHint: 'The prompt expires in 2 minutes.',
    check: 'I approved it, continue',
    resend: 'Send the prompt again',
    useCode: 'Use a code instead',
    denied: 'The sign-in was refused on your launcher. Try again or enter a code.',
    expired: 'The prompt expired before it was approved. Send it again or enter a code.',
    rateLimited: 'Too many prompts were sent to your launcher. Wait a few minutes, or enter a code.',
    reportedTitle: 'Sign-in stopped',
    reported: 'Someone reported on their launcher that this sign-in was not them, so it was stopped.',
  },
  passkey: {
    use: 'Use your passkey',
    signIn: 'Sign in with a passkey',
    hint: 'Use the passkey or security key you added to this account: touch the sensor or the key, or unlock with your PIN or face.',
    orCode: 'Or enter a code',
    working: 'Waiting for your passkey…',
    cancelled: 'The passkey was not used. Try again, or enter a code instead.',
    cancelledAlone: 'The passkey was not used. Try again, or continue with your email and password.',
    unsupported: 'This browser cannot use passkeys here. Enter a code from your authenticator app instead.',
    unsupportedAlone: 'This browser cannot use passkeys. Continue with your email and password.',
    failed: 'That passkey was not accepted. Try again, or use another way to verify.',
    noScript: 'Passkeys need JavaScript, which is turned off in this browser.',
    addTitle: 'Add a passkey',
    addFor: 'For the account',
    addHint:
      'Your browser asks where to keep it: on this device (fingerprint, face, PIN), on your phone, or on a security key.',
    nameLabel: 'Name',
    nameHint: 'So you can tell it apart later, for example “Work laptop”.',
    create: 'Create passkey',
    addCancelled: 'No passkey was created. Try again when you are ready.',
    addUnsupported: 'This browser cannot create passkeys. Try another browser, or a security key.',
    addFailed: 'The passkey could not be added. Try again.',
    enrolHeading: 'Or add a passkey instead',
    enrolHint:
      'No app needed: this device’s fingerprint, face or PIN, or a security key, becomes your second factor.',
    enrolCancelled: 'No passkey was created. Try again, or set up an authenticator app above.',
    enrolUnsupported: 'This browser cannot create passkeys. Set up an authenticator app above instead.',
    addedTitle: 'Passkey added',
    addedText: (name: string) =>
      `“${name}” is ready. You can close this tab: the options page continues by itself.`,
    linkTitle: 'This link has expired',
    linkText:
      'Start again from Portal Launcher’s options: Multi-factor authentication → Passkeys and security keys → Add.',
  },
  enrol: {
    title: 'Set up an authenticator app',
    whyRequired:
      'Your organisation requires a second factor for your account, and it has none yet. Set up an authenticator app to continue.',
    whyApp: (app: string) =>
      `${app} requires a second factor, and your account has none yet. Set up an authenticator app to continue.`,
    whyStepUp:
      'This sign-in requires a second factor, and your account has none yet. Set up an authenticator app to continue.',
    scan: 'Scan this QR code with an authenticator app on your phone (for example Microsoft Authenticator, Google Authenticator or 1Password).',
    qrAlt: 'QR code to add this account to your authenticator app',
    keyLabel: 'Cannot scan it? Type this key into the app instead:',
    codeLabel: 'Code from the app',
    codeHint: 'Enter the 6-digit code the app now shows, to check that it is set up.',
    submit: 'Verify and turn on',
    recoveryTitle: 'Save your recovery codes',
    recoveryIntro:
      'If you lose your phone, each of these codes signs you in once instead of a code from the app. They are shown only now: print them or keep them in your password manager.',
    recoveryListLabel: 'Recovery codes',
    saved: 'I have saved these codes',
    doneTitle: 'Your authenticator app is set up',
    doneText:
      'Your recovery codes were shown once, when you set it up. You can create new ones in Portal Launcher’s security centre.',
  },
  messages: {
    badCredentials: 'The email or password is not right. Check them and try again.',
    locked: 'Your account is locked after too many failed attempts. Contact your admin.',
    badCode:
      'That code is not right. Enter the current code from your authenticator app, or a recovery code.',
    badEnrolCode: 'That code is not right. Enter the current 6-digit code from your app.',
    badEmail: 'Enter your company email address, like name@example.com.',
    expired: 'This sign-in has expired. Go back to the app you came from and start again.',
    badForm: 'This form has expired. Reload the page and try again.',
  },
  errors: {
    expiredTitle: 'This sign-in has expired',
    expiredText: 'Go back to the app you came from and start again.',
    formExpiredTitle: 'This form has expired',
    linkTitle: 'This link cannot be used',
    linkText: 'This launch link has expired or was already used. Open the app again from Portal Launcher.',
    genericTitle: 'Something went wrong',
    generic: (detail: string) => `${detail}. Go back to the app you came from and try again.`,
  },
  signOut: {
    title: 'Sign out',
    question: (host: string) => `Sign out of ${host}?`,
    yes: 'Yes, sign me out',
    no: 'No, stay signed in',
    doneTitle: 'Signed out',
    doneText: 'You are signed out of the portal.',
  },
  reset: {
    mailSubject: 'Reset your portal password',
    mailText: (name: string, link: string) =>
      [
        `Hello ${name},`,
        '',
        'Someone asked to reset the password of your company portal account.',
        'To choose a new password, open this link within 30 minutes:',
        '',
        link,
        '',
        'If it was not you, ignore this message: your password stays as it is.',
      ].join('\n'),
    title: 'Reset your password',
    intro: 'Enter the email address you sign in with. We will send a link to choose a new password.',
    emailLabel: 'Company email',
    send: 'Send reset link',
    sentTitle: 'Check your email',
    sent: 'If an account uses this address, we sent it a link to reset the password. The link works for 30 minutes.',
    nothingArrived: 'Nothing arrived? Check your spam folder.',
    askAnother: 'Ask for another link',
    expiredTitle: 'Link expired',
    expired: 'This reset link has expired or was already used.',
    askNew: 'Ask for a new link',
    chooseTitle: 'Choose a new password',
    forAccount: 'For',
    newPassword: 'New password',
    typeAgain: 'Type it again',
    signsOutAll: 'Every device signed in to your account will be signed out.',
    submit: 'Set new password',
    chooseAnother: 'Choose another password:',
    mismatch: 'The two passwords are not the same. Type the new password twice.',
    ruleLength: (min: number, max: number) =>
      `At least ${min} characters (at most ${max}). Spaces and any characters are fine.`,
    ruleCommon: 'Not a commonly used password.',
    ruleEmail: 'Not your email address.',
    tooShort: (min: number) => `Use at least ${min} characters.`,
    tooLong: (max: number) => `Use at most ${max} characters.`,
    tooCommon: 'This password is too common. Choose something harder to guess.',
    isEmail: 'Do not use your email address as your password.',
    doneTitle: 'Password changed',
    done: 'Your password was changed, and every device signed in to your account was signed out.',
    signInAgain: 'Sign in again with your new password in the launcher.',
    formTitle: 'Form not accepted',
    formUnreadable: 'The form could not be read. Open the page again.',
    formExpiredTitle: 'Form expired',
    formExpired: 'This form has expired or was sent from another site.',
    startAgain: 'Start again',
    notAllowedTitle: 'Not allowed',
    notAllowed: 'Open the reset page from its link.',
  },
  saml: {
    postingTitle: 'Opening the app',
    posting: (app: string) => `Signing you in to ${app}…`,
    continue: 'Continue to the app',
    refusedTitle: 'This sign-in request cannot be answered',
    refused: (reason: string) =>
      `${reason} Go back to the app and try again, or open it from Portal Launcher.`,
    unknownApp: 'The app that sent you here is not registered with this portal.',
    notAssigned: 'This app is not assigned to you. Ask your administrator for access.',
    badRequest: 'The app sent a sign-in request that the portal cannot read or does not accept.',
    foreignAcs: 'The app asked to send your sign-in to an address that is not registered for it.',
    expired: 'The app’s sign-in request has expired or was already used.',
  },
  home: {
    intro:
      'This is the sign-in service for Portal Launcher. Your apps and the launcher send you here when you sign in.',
    start: 'To sign in, open Portal Launcher in your browser’s toolbar, or open one of your company’s apps.',
    accountHeading: 'Your account',
    resetPassword: 'Forgot your password? Reset it',
    discovery: 'Technical details for administrators (OpenID configuration)',
  },
};

type Widen<T> = T extends (...args: infer A) => string
  ? (...args: A) => string
  : T extends string
    ? string
    : { [K in keyof T]: Widen<T[K]> };

/** Every text of the portal's pages; each language's catalog must have all of them. */
export type Catalog = Widen<typeof en>;
