/** German texts of the portal's pages (typed by the English {@link Catalog}). */
import type { Catalog } from './en.ts';

export const de: Catalog = {
  cancel: 'Abbrechen',
  continue: 'Weiter',
  portalName: 'Firmenportal',
  signIn: {
    title: 'Anmelden',
    toApp: (app) => `Melden Sie sich an, um mit ${app} fortzufahren.`,
    useCompanyEmail: 'Verwenden Sie Ihre geschäftliche E-Mail-Adresse.',
    emailLabel: 'Geschäftliche E-Mail-Adresse',
    passwordTitle: 'Passwort eingeben',
    signingInAs: 'Anmeldung als',
    signedInAs: 'Angemeldet als',
    passwordLabel: 'Passwort',
    submit: 'Anmelden',
    forgotPassword: 'Passwort vergessen?',
    useAnotherAccount: 'Anderes Konto verwenden',
  },
  code: {
    title: 'Bestätigen Sie, dass Sie es sind',
    titleForApp: (app) => `Bestätigen Sie, dass Sie es sind, um ${app} zu öffnen`,
    hint: 'Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein. Wenn Sie Ihr Telefon nicht haben, geben Sie einen Ihrer Wiederherstellungscodes ein.',
    label: 'Bestätigungscode',
    submit: 'Bestätigen',
  },
  push: {
    send: 'Anfrage an meinen Launcher senden',
    or: 'Oder bestätigen Sie diese Anmeldung in einem Browser, in dem Portal Launcher angemeldet ist.',
    title: 'Im Launcher bestätigen',
    numberLabel: 'Ihre Zahl',
    hint: 'Öffnen Sie Portal Launcher in Ihrem anderen Browser und wählen Sie diese Zahl. Diese Seite geht von selbst weiter, sobald Sie bestätigen.',
    expiresHint: 'Die Anfrage läuft in 2 Minuten ab.',
    check: 'Ich habe bestätigt, weiter',
    resend: 'Anfrage erneut senden',
    useCode: 'Stattdessen einen Code verwenden',
    denied:
      'Die Anmeldung wurde in Ihrem Launcher abgelehnt. Versuchen Sie es erneut oder geben Sie einen Code ein.',
    expired:
      'Die Anfrage ist abgelaufen, bevor sie bestätigt wurde. Senden Sie sie erneut oder geben Sie einen Code ein.',
    rateLimited:
      'Es wurden zu viele Anfragen an Ihren Launcher gesendet. Warten Sie einige Minuten oder geben Sie einen Code ein.',
    reportedTitle: 'Anmeldung gestoppt',
    reported:
      'Jemand hat in seinem Launcher gemeldet, dass diese Anmeldung nicht von ihm stammt. Sie wurde daher gestoppt.',
  },
  passkey: {
    use: 'Passkey verwenden',
    signIn: 'Mit einem Passkey anmelden',
    hint: 'Verwenden Sie den Passkey oder Sicherheitsschlüssel, den Sie diesem Konto hinzugefügt haben: Berühren Sie den Sensor oder Schlüssel, oder entsperren Sie mit PIN oder Gesicht.',
    orCode: 'Oder einen Code eingeben',
    working: 'Warte auf Ihren Passkey …',
    cancelled:
      'Der Passkey wurde nicht verwendet. Versuchen Sie es erneut, oder geben Sie stattdessen einen Code ein.',
    cancelledAlone:
      'Der Passkey wurde nicht verwendet. Versuchen Sie es erneut, oder melden Sie sich mit E-Mail und Passwort an.',
    unsupported:
      'Dieser Browser kann hier keine Passkeys verwenden. Geben Sie stattdessen einen Code aus Ihrer Authenticator-App ein.',
    unsupportedAlone:
      'Dieser Browser kann keine Passkeys verwenden. Melden Sie sich mit E-Mail und Passwort an.',
    failed:
      'Dieser Passkey wurde nicht akzeptiert. Versuchen Sie es erneut, oder bestätigen Sie auf andere Weise.',
    noScript: 'Passkeys brauchen JavaScript, das in diesem Browser ausgeschaltet ist.',
    addTitle: 'Passkey hinzufügen',
    addFor: 'Für das Konto',
    addHint:
      'Ihr Browser fragt, wo er gespeichert wird: auf diesem Gerät (Fingerabdruck, Gesicht, PIN), auf Ihrem Telefon oder auf einem Sicherheitsschlüssel.',
    nameLabel: 'Name',
    nameHint: 'Damit Sie ihn später erkennen, zum Beispiel „Arbeitslaptop“.',
    create: 'Passkey erstellen',
    addCancelled: 'Es wurde kein Passkey erstellt. Versuchen Sie es erneut, wenn Sie bereit sind.',
    addUnsupported:
      'Dieser Browser kann keine Passkeys erstellen. Versuchen Sie einen anderen Browser oder einen Sicherheitsschlüssel.',
    addFailed: 'Der Passkey konnte nicht hinzugefügt werden. Versuchen Sie es erneut.',
    enrolHeading: 'Oder stattdessen einen Passkey hinzufügen',
    enrolHint:
      'Ohne App: Fingerabdruck, Gesicht oder PIN dieses Geräts oder ein Sicherheitsschlüssel wird Ihr zweiter Faktor.',
    enrolCancelled:
      'Es wurde kein Passkey erstellt. Versuchen Sie es erneut, oder richten Sie oben eine Authenticator-App ein.',
    enrolUnsupported:
      'Dieser Browser kann keine Passkeys erstellen. Richten Sie stattdessen oben eine Authenticator-App ein.',
    addedTitle: 'Passkey hinzugefügt',
    addedText: (name) =>
      `„${name}“ ist bereit. Sie können diesen Tab schließen: Die Optionsseite macht von selbst weiter.`,
    linkTitle: 'Dieser Link ist abgelaufen',
    linkText:
      'Beginnen Sie erneut in den Optionen von Portal Launcher: Mehrstufige Authentifizierung → Passkeys und Sicherheitsschlüssel → Hinzufügen.',
  },
  enrol: {
    title: 'Authenticator-App einrichten',
    whyRequired:
      'Ihre Organisation verlangt für Ihr Konto einen zweiten Faktor, und es hat noch keinen. Richten Sie eine Authenticator-App ein, um fortzufahren.',
    whyApp: (app) =>
      `${app} verlangt einen zweiten Faktor, und Ihr Konto hat noch keinen. Richten Sie eine Authenticator-App ein, um fortzufahren.`,
    whyStepUp:
      'Diese Anmeldung verlangt einen zweiten Faktor, und Ihr Konto hat noch keinen. Richten Sie eine Authenticator-App ein, um fortzufahren.',
    scan: 'Scannen Sie diesen QR-Code mit einer Authenticator-App auf Ihrem Telefon (zum Beispiel Microsoft Authenticator, Google Authenticator oder 1Password).',
    qrAlt: 'QR-Code, um dieses Konto Ihrer Authenticator-App hinzuzufügen',
    keyLabel: 'Scannen nicht möglich? Geben Sie stattdessen diesen Schlüssel in die App ein:',
    codeLabel: 'Code aus der App',
    codeHint: 'Geben Sie den 6-stelligen Code ein, den die App jetzt anzeigt, um die Einrichtung zu prüfen.',
    submit: 'Prüfen und einschalten',
    recoveryTitle: 'Speichern Sie Ihre Wiederherstellungscodes',
    recoveryIntro:
      'Wenn Sie Ihr Telefon verlieren, meldet Sie jeder dieser Codes einmal an, anstelle eines Codes aus der App. Sie werden nur jetzt angezeigt: Drucken Sie sie aus oder bewahren Sie sie in Ihrem Passwortmanager auf.',
    recoveryListLabel: 'Wiederherstellungscodes',
    saved: 'Ich habe diese Codes gespeichert',
    doneTitle: 'Ihre Authenticator-App ist eingerichtet',
    doneText:
      'Ihre Wiederherstellungscodes wurden bei der Einrichtung einmal angezeigt. Neue Codes erstellen Sie im Sicherheitsbereich von Portal Launcher.',
  },
  messages: {
    badCredentials:
      'E-Mail-Adresse oder Passwort stimmen nicht. Prüfen Sie beide und versuchen Sie es erneut.',
    locked: 'Ihr Konto ist nach zu vielen Fehlversuchen gesperrt. Wenden Sie sich an Ihre Administration.',
    badCode:
      'Dieser Code stimmt nicht. Geben Sie den aktuellen Code aus Ihrer Authenticator-App oder einen Wiederherstellungscode ein.',
    badEnrolCode: 'Dieser Code stimmt nicht. Geben Sie den aktuellen 6-stelligen Code aus Ihrer App ein.',
    badEmail: 'Geben Sie Ihre geschäftliche E-Mail-Adresse ein, etwa name@example.com.',
    expired:
      'Diese Anmeldung ist abgelaufen. Kehren Sie zu der App zurück, von der Sie kamen, und beginnen Sie erneut.',
    badForm: 'Dieses Formular ist abgelaufen. Laden Sie die Seite neu und versuchen Sie es erneut.',
  },
  errors: {
    expiredTitle: 'Diese Anmeldung ist abgelaufen',
    expiredText: 'Kehren Sie zu der App zurück, von der Sie kamen, und beginnen Sie erneut.',
    formExpiredTitle: 'Dieses Formular ist abgelaufen',
    linkTitle: 'Dieser Link kann nicht verwendet werden',
    linkText:
      'Dieser Startlink ist abgelaufen oder wurde schon verwendet. Öffnen Sie die App erneut über Portal Launcher.',
    genericTitle: 'Etwas ist schiefgelaufen',
    generic: (detail) =>
      `${detail}. Kehren Sie zu der App zurück, von der Sie kamen, und versuchen Sie es erneut.`,
  },
  signOut: {
    title: 'Abmelden',
    question: (host) => `Von ${host} abmelden?`,
    yes: 'Ja, abmelden',
    no: 'Nein, angemeldet bleiben',
    doneTitle: 'Abgemeldet',
    doneText: 'Sie sind vom Portal abgemeldet.',
  },
  reset: {
    mailSubject: 'Passwort für das Firmenportal zurücksetzen',
    mailText: (name, link) =>
      [
        `Hallo ${name},`,
        '',
        'jemand hat angefordert, das Passwort Ihres Kontos im Firmenportal zurückzusetzen.',
        'Um ein neues Passwort zu wählen, öffnen Sie innerhalb von 30 Minuten diesen Link:',
        '',
        link,
        '',
        'Wenn Sie das nicht waren, ignorieren Sie diese Nachricht: Ihr Passwort bleibt, wie es ist.',
      ].join('\n'),
    title: 'Passwort zurücksetzen',
    intro:
      'Geben Sie die E-Mail-Adresse ein, mit der Sie sich anmelden. Wir senden Ihnen einen Link, um ein neues Passwort zu wählen.',
    emailLabel: 'Geschäftliche E-Mail-Adresse',
    send: 'Link zum Zurücksetzen senden',
    sentTitle: 'Prüfen Sie Ihre E-Mails',
    sent: 'Wenn ein Konto diese Adresse verwendet, haben wir ihm einen Link zum Zurücksetzen des Passworts gesendet. Der Link gilt 30 Minuten.',
    nothingArrived: 'Nichts angekommen? Sehen Sie im Spam-Ordner nach.',
    askAnother: 'Neuen Link anfordern',
    expiredTitle: 'Link abgelaufen',
    expired: 'Dieser Link zum Zurücksetzen ist abgelaufen oder wurde bereits verwendet.',
    askNew: 'Neuen Link anfordern',
    chooseTitle: 'Neues Passwort wählen',
    forAccount: 'Für',
    newPassword: 'Neues Passwort',
    typeAgain: 'Noch einmal eingeben',
    signsOutAll: 'Alle Geräte, die bei Ihrem Konto angemeldet sind, werden abgemeldet.',
    submit: 'Neues Passwort festlegen',
    chooseAnother: 'Wählen Sie ein anderes Passwort:',
    mismatch: 'Die beiden Passwörter stimmen nicht überein. Geben Sie das neue Passwort zweimal ein.',
    ruleLength: (min: number, max: number) =>
      `Mindestens ${min} Zeichen (höchstens ${max}). Leerzeichen und alle Zeichen sind erlaubt.`,
    ruleCommon: 'Kein häufig verwendetes Passwort.',
    ruleEmail: 'Nicht Ihre E-Mail-Adresse.',
    tooShort: (min: number) => `Verwenden Sie mindestens ${min} Zeichen.`,
    tooLong: (max: number) => `Verwenden Sie höchstens ${max} Zeichen.`,
    tooCommon: 'Dieses Passwort ist zu verbreitet. Wählen Sie etwas, das schwerer zu erraten ist.',
    isEmail: 'Verwenden Sie nicht Ihre E-Mail-Adresse als Passwort.',
    doneTitle: 'Passwort geändert',
    done: 'Ihr Passwort wurde geändert, und alle bei Ihrem Konto angemeldeten Geräte wurden abgemeldet.',
    signInAgain: 'Melden Sie sich im Launcher mit Ihrem neuen Passwort erneut an.',
    formTitle: 'Formular nicht angenommen',
    formUnreadable: 'Das Formular konnte nicht gelesen werden. Öffnen Sie die Seite erneut.',
    formExpiredTitle: 'Formular abgelaufen',
    formExpired: 'Dieses Formular ist abgelaufen oder wurde von einer anderen Website gesendet.',
    startAgain: 'Neu beginnen',
    notAllowedTitle: 'Nicht erlaubt',
    notAllowed: 'Öffnen Sie die Seite zum Zurücksetzen über ihren Link.',
  },
  saml: {
    postingTitle: 'App wird geöffnet',
    posting: (app: string) => `Sie werden bei ${app} angemeldet…`,
    continue: 'Weiter zur App',
    refusedTitle: 'Diese Anmeldeanfrage kann nicht beantwortet werden',
    refused: (reason: string) =>
      `${reason} Gehen Sie zurück zur App und versuchen Sie es erneut, oder öffnen Sie sie über Portal Launcher.`,
    unknownApp: 'Die App, die Sie hierher geschickt hat, ist bei diesem Portal nicht registriert.',
    notAssigned: 'Diese App ist Ihnen nicht zugewiesen. Bitten Sie Ihre Administration um Zugang.',
    badRequest:
      'Die App hat eine Anmeldeanfrage gesendet, die das Portal nicht lesen kann oder nicht annimmt.',
    foreignAcs: 'Die App wollte Ihre Anmeldung an eine Adresse senden, die für sie nicht registriert ist.',
    expired: 'Die Anmeldeanfrage der App ist abgelaufen oder wurde bereits verwendet.',
  },
  home: {
    intro:
      'Dies ist der Anmeldedienst für Portal Launcher. Ihre Apps und der Launcher leiten Sie zur Anmeldung hierher.',
    start:
      'Zum Anmelden öffnen Sie Portal Launcher in der Symbolleiste Ihres Browsers oder eine der Apps Ihres Unternehmens.',
    accountHeading: 'Ihr Konto',
    resetPassword: 'Passwort vergessen? Setzen Sie es zurück',
    discovery: 'Technische Angaben für die Administration (OpenID-Konfiguration)',
  },
};
