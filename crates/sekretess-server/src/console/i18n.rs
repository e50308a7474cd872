//! The console's two languages: every text of the pages, in English and Swedish.

/// A console language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Sv,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Sv => "sv",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "sv" => Some(Lang::Sv),
            _ => None,
        }
    }

    /// The first of Swedish and English the browser asks for, by weight then order
    /// (`sv-SE`, `sv`, `en-GB` … count); English when it names neither.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(u16, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let primary = tag.split('-').next().unwrap_or("");
            let Some(lang) = Lang::parse(primary) else { continue };
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            let weight = (q.clamp(0.0, 1.0) * 1000.0) as u16;
            if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::En)
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Sv => &SV,
        }
    }
}

macro_rules! texts {
    ($($key:ident: $en:literal, $sv:literal;)*) => {
        /// Every text of the console, in one language.
        pub struct Texts {
            $(pub $key: &'static str,)*
        }
        static EN: Texts = Texts { $($key: $en,)* };
        static SV: Texts = Texts { $($key: $sv,)* };
    };
}

texts! {
    skip: "Skip to content", "Hoppa till innehållet";
    nav_label: "Main menu", "Huvudmeny";
    nav_home: "Start", "Start";
    nav_customers: "Customers", "Kunder";
    nav_employees: "Employees", "Anställda";
    nav_groups: "Groups", "Kundgrupper";
    nav_agreements: "Agreements", "Avtal";
    nav_keys: "API keys", "API-nycklar";
    nav_approvals: "Approvals", "Godkännanden";
    approvals_title: "Changes awaiting a second officer", "Ändringar som väntar på en andra säkerhetsansvarig";
    approvals_none: "No pending requests.", "Inga väntande begäranden.";
    approvals_single: "Only one security officer is active: nothing can be approved until a second one is.", "Bara en säkerhetsansvarig är aktiv: inget kan godkännas förrän en andra är det.";
    approval_change: "Change", "Ändring";
    approval_target: "About", "Gäller";
    approval_by: "Asked by", "Begärd av";
    approval_expires: "Expires (UTC)", "Går ut (UTC)";
    approve: "Approve", "Godkänn";
    reject: "Reject", "Avslå";
    nav_audit: "Audit log", "Granskningslogg";
    logout: "Log out", "Logga ut";
    language: "Language", "Språk";
    error: "Error", "Fel";
    login_title: "Log in", "Logga in";
    login: "Login name", "Användarnamn";
    password: "Password", "Lösenord";
    password_again: "Password again", "Lösenord igen";
    totp: "Code from the authenticator app", "Kod från autentiseringsappen";
    login_button: "Log in", "Logga in";
    enrol_link: "Have an enrolment code? Enrol here.", "Har du en registreringskod? Registrera dig här.";
    enrol_title: "Enrol", "Registrera dig";
    enrol_code: "Enrolment code", "Registreringskod";
    enrol_intro: "Choose a password (at least 12 characters) and enter the one-time code you were given.", "Välj ett lösenord (minst 12 tecken) och ange engångskoden du fick.";
    enrol_button: "Enrol", "Registrera";
    enrolled_title: "Enrolled", "Registrerad";
    enrolled_intro: "Add this key to your authenticator app now: scan the QR code or type the key. It is shown only once.", "Lägg in nyckeln i din autentiseringsapp nu: skanna QR-koden eller skriv in nyckeln. Den visas bara en gång.";
    enrolled_pending: "A security officer must approve your account before you can log in.", "En säkerhetsansvarig måste godkänna ditt konto innan du kan logga in.";
    enrolled_active: "Your account is active: you can log in now.", "Ditt konto är aktivt: du kan logga in nu.";
    totp_key: "Key", "Nyckel";
    qr_label: "QR code of the authenticator key", "QR-kod för autentiseringsnyckeln";
    passwords_differ: "The two passwords differ.", "Lösenorden är olika.";
    home_title: "Start", "Start";
    signed_in_as: "Logged in as", "Inloggad som";
    roles: "Roles", "Roller";
    groups: "Groups", "Grupper";
    agreement_ok: "You have signed the current confidentiality agreement.", "Du har skrivit under det gällande sekretessavtalet.";
    agreement_missing: "You have not signed the current confidentiality agreement: customer data is closed to you until you do.", "Du har inte skrivit under det gällande sekretessavtalet: kunduppgifter är stängda för dig tills du gör det.";
    agreement_title: "Confidentiality agreement", "Sekretessavtal";
    agreement_version: "Version", "Version";
    agreement_none: "No agreement has been published yet.", "Inget avtal har publicerats ännu.";
    sign_intro: "Enter your password to sign this version.", "Ange ditt lösenord för att skriva under denna version.";
    sign_button: "Sign", "Skriv under";
    signed_done: "Signed.", "Underskrivet.";
    search_title: "Find a customer", "Hitta en kund";
    by_code: "By customer code", "Med kundkod";
    code: "Customer code", "Kundkod";
    by_identifier: "By an identifier", "Med en uppgift";
    group: "Group", "Grupp";
    field: "Field", "Fält";
    value: "Value", "Värde";
    find_button: "Find", "Sök";
    matches: "Matches", "Träffar";
    no_matches: "No customer matches.", "Ingen kund matchar.";
    customer_title: "Customer", "Kund";
    created: "Created", "Skapad";
    updated: "Updated", "Ändrad";
    masked_note: "Masked values are shown as the field policy says. Revealing one is recorded with its purpose.", "Maskerade värden visas enligt fältpolicyn. Att visa ett värde registreras med sitt syfte.";
    purpose: "Purpose", "Syfte";
    purpose_note: "Description (required for other)", "Beskrivning (krävs för annat)";
    reveal_button: "Reveal", "Visa";
    revealed_title: "Revealed value", "Visat värde";
    revealed_note: "This reveal is on record with its purpose.", "Visningen är registrerad med sitt syfte.";
    back: "Back", "Tillbaka";
    employees_title: "Employees", "Anställda";
    id: "Id", "Id";
    name: "Name", "Namn";
    state: "State", "Status";
    actions: "Actions", "Åtgärder";
    suspend: "Suspend", "Stäng av";
    reinstate: "Reinstate", "Återaktivera";
    offboard: "Offboard", "Avsluta";
    grant: "Grant group", "Ge tillgång till grupp";
    invite_title: "Invite an employee", "Bjud in en anställd";
    display_name: "Display name", "Visningsnamn";
    role_officer: "Security officer", "Säkerhetsansvarig";
    role_agent: "Agent", "Handläggare";
    role_auditor: "Auditor", "Granskare";
    invite_button: "Invite", "Bjud in";
    invited_title: "Invitation", "Inbjudan";
    invited_intro: "Give this one-time enrolment code to the employee. It is shown only once.", "Ge den här engångskoden till den anställda. Den visas bara en gång.";
    expires: "Expires", "Går ut";
    groups_title: "Customer groups", "Kundgrupper";
    create_group: "Create a group", "Skapa en grupp";
    create_button: "Create", "Skapa";
    lock: "Lock", "Lås";
    unlock: "Unlock", "Lås upp";
    agreements_title: "Agreements", "Avtal";
    publish_title: "Publish a new version", "Publicera en ny version";
    agreement_text: "Text", "Text";
    publish_button: "Publish", "Publicera";
    signatures: "Signatures", "Underskrifter";
    signed_at: "Signed", "Underskrivet";
    not_signed: "not signed", "ej underskrivet";
    keys_title: "API keys", "API-nycklar";
    scopes: "Scopes", "Behörigheter";
    create_key: "Create an API key", "Skapa en API-nyckel";
    key_groups: "Groups (comma-separated, * for all)", "Grupper (kommaseparerade, * för alla)";
    revoke: "Revoke", "Återkalla";
    revoked: "revoked", "återkallad";
    key_created: "The key's token, shown only once:", "Nyckelns token, visas bara en gång:";
    audit_title: "Audit log", "Granskningslogg";
    seq: "No.", "Nr";
    time: "Time (UTC)", "Tid (UTC)";
    actor: "Actor", "Aktör";
    action: "Action", "Händelse";
    target: "Target", "Mål";
    fields: "Fields", "Fält";
    outcome: "Outcome", "Utfall";
    filter_button: "Filter", "Filtrera";
    from_seq: "From no.", "Från nr";
    next_page: "Next page", "Nästa sida";
    verify_button: "Verify the chain", "Verifiera kedjan";
    export_button: "Export as JSON lines", "Exportera som JSON-rader";
    verify_title: "Chain verification", "Verifiering av kedjan";
    verify_result: "Result", "Resultat";
    err_agreement: "You must sign the current confidentiality agreement before you can see customer data.", "Du måste skriva under det gällande sekretessavtalet innan du kan se kunduppgifter.";
    err_not_found: "Not found.", "Hittades inte.";
    err_login: "Login failed. Check the login name, password and code.", "Inloggningen misslyckades. Kontrollera användarnamn, lösenord och kod.";
    err_rate: "Too many attempts; wait a moment.", "För många försök; vänta en stund.";
    err_csrf: "The form is out of date or was not sent from this console; reload the page and try again.", "Formuläret är inaktuellt eller skickades inte från konsolen; ladda om sidan och försök igen.";
    sign_agreement_link: "Read and sign the agreement", "Läs och skriv under avtalet";
    // The field policy table and the vault status (officers).
    nav_policy: "Field policy", "Fältpolicy";
    nav_status: "Status", "Status";
    policy_title: "Field policy", "Fältpolicy";
    policy_intro: "What each role sees of a field of each sensitivity. Restricted fields are never shown in plain online. A change takes effect once another security officer approves it.", "Vad varje roll ser av ett fält med varje känslighet. Begränsade fält visas aldrig i klartext online. En ändring gäller först när en annan säkerhetsansvarig har godkänt den.";
    policy_role: "Role", "Roll";
    policy_fields: "Fields", "Fält";
    policy_pending: "pending approval by another officer", "väntar på godkännande av en annan säkerhetsansvarig";
    policy_pending_note: "Changes are pending approval by another officer:", "Ändringar väntar på godkännande av en annan säkerhetsansvarig:";
    policy_submit: "Ask for these changes", "Begär ändringarna";
    role_service: "API key (service)", "API-nyckel (tjänst)";
    sens_internal: "Internal", "Intern";
    sens_confidential: "Confidential", "Konfidentiell";
    sens_restricted: "Restricted", "Begränsad";
    decision_deny: "deny", "neka";
    decision_masked: "masked", "maskerad";
    decision_reveal: "reveal with purpose", "visa med syfte";
    decision_plain: "plain", "klartext";
    status_title: "Vault status", "Valvets status";
    seal_state: "Seal", "Försegling";
    sealed: "sealed", "förseglat";
    unsealed: "unsealed", "öppet";
    unseal_shares: "Unseal shares (threshold of total)", "Upplåsningsandelar (tröskel av totalt)";
    key_id: "Root key id", "Rotnyckelns id";
    single_officer_warn: "Only one security officer is active: dual control cannot be met (no unlock, policy change, reveal key, agreement or employee can be approved) until a second one is.", "Bara en säkerhetsansvarig är aktiv: dubbelkontroll kan inte uppfyllas (ingen upplåsning, policyändring, visningsnyckel, avtal eller anställd kan godkännas) förrän en andra är det.";
    bootstrap_warn: "The bootstrap API key from init still works (every scope, every group): revoke it once the first officer has enrolled.", "Uppstartsnyckeln från init fungerar fortfarande (alla behörigheter, alla grupper): återkalla den när den första säkerhetsansvariga har registrerat sig.";
    processes: "Processes", "Processer";
    process_id: "Process", "Process";
    host: "Host", "Värd";
    pid: "PID", "PID";
    listen: "Address", "Adress";
    started: "Started (UTC)", "Startad (UTC)";
    last_seen: "Last heartbeat (UTC)", "Senaste livstecken (UTC)";
    stale: "stale", "inaktuell";
    this_process: "this process", "denna process";
    no_processes: "No process registry on this store.", "Inget processregister i detta lager.";
    locked: "locked", "låst";
    open: "open", "öppen";
    key_version: "Key version", "Nyckelversion";
    key_versions: "Versions in the keyring", "Versioner i nyckelringen";
    rewrap: "Rewrap after rotation", "Omkryptering efter rotation";
    rewrapped: "rewrapped", "omkrypterade";
    remaining: "remaining", "kvar";
    unreadable: "unreadable", "oläsbara";
    backups: "Backups", "Säkerhetskopior";
    last_backup: "Last complete backup (UTC)", "Senaste fullständiga säkerhetskopia (UTC)";
    backup_age: "Age", "Ålder";
    no_backup: "none since this process started", "ingen sedan processen startade";
    backup_schedule: "Schedule", "Schema";
    backup_every: "every", "var";
    no_schedule: "no scheduled backups", "inga schemalagda säkerhetskopior";
    metrics_unavailable: "Not available.", "Inte tillgängligt.";
    audit_failures: "Audit write failures since start", "Misslyckade skrivningar till granskningsloggen sedan start";
    new_customer_link: "New customer", "Ny kund";
    new_customer_title: "New customer", "Ny kund";
    edit_customer_title: "Edit customer", "Ändra kund";
    edit_link: "Edit", "Ändra";
    erase_link: "Erase", "Radera";
    choose_group: "Choose the group for the new customer.", "Välj gruppen för den nya kunden.";
    choose_button: "Choose", "Välj";
    form_note_new: "Fill in what you have; empty fields are left out. If the form is refused, the values are not sent back to the browser: type them again.", "Fyll i det du har; tomma fält utelämnas. Om formuläret inte godtas skickas värdena inte tillbaka till webbläsaren: skriv in dem igen.";
    form_note_edit: "Values you may only see masked are not filled in: an empty field is left as it is. Type a new value to replace it, or tick remove. If the form is refused, type your changes again.", "Värden som du bara får se maskerade fylls inte i: ett tomt fält lämnas som det är. Skriv ett nytt värde för att ersätta det, eller kryssa i ta bort. Om formuläret inte godtas, skriv in ändringarna igen.";
    now_value: "Now", "Nu";
    clear_value: "Remove the value", "Ta bort värdet";
    save_button: "Save", "Spara";
    create_customer_button: "Create the customer", "Skapa kunden";
    err_form: "The form was not accepted: see the field marked below.", "Formuläret godtogs inte: se fältet som är markerat nedan.";
    err_field_invalid: "Not a valid value", "Inte ett giltigt värde";
    err_field_long: "Too long", "För långt";
    err_field_duplicate: "Another customer in the group has this value", "En annan kund i gruppen har detta värde";
    err_changed: "Someone else changed this customer after you opened the form, so nothing was saved. The form now shows the current customer: make your change again.", "Någon annan ändrade kunden efter att du öppnade formuläret, så inget sparades. Formuläret visar nu kunden som den är: gör din ändring igen.";
    erase_title: "Erase customer", "Radera kund";
    erased_title: "Customer erased", "Kunden raderad";
    erase_intro: "Erasing cannot be undone: the customer's data key is destroyed and no value can be read again. The code is never reused. Type the customer code to confirm.", "Radering kan inte ångras: kundens datanyckel förstörs och inget värde kan läsas igen. Koden återanvänds aldrig. Skriv kundkoden för att bekräfta.";
    erase_confirm: "Customer code, typed again", "Kundkoden, inskriven igen";
    erase_button: "Erase for good", "Radera för gott";
    erased_note: "The customer was erased; the erasure is in the audit log.", "Kunden raderades; raderingen finns i granskningsloggen.";
    err_confirm_code: "The code typed is not this customer's code; nothing was erased.", "Koden som skrevs in är inte kundens kod; inget raderades.";
    documents: "Documents on file", "Arkiverade dokument";
    no_documents: "No documents are filed under this code.", "Inga dokument är arkiverade under denna kod.";
    documents_unavailable: "The documents could not be listed", "Dokumenten kunde inte listas";
    document_name: "Name (redacted)", "Namn (maskerat)";
    size_bytes: "Size (bytes)", "Storlek (byte)";
    filed_at: "Filed (UTC)", "Arkiverat (UTC)";
    download: "Download", "Ladda ner";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_of_ours() {
        assert_eq!(Lang::from_accept_language("sv-SE,sv;q=0.9,en;q=0.8"), Lang::Sv);
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9,sv;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("de-DE,de;q=0.9,sv;q=0.5"), Lang::Sv);
        assert_eq!(Lang::from_accept_language("fr,en;q=0.1,sv;q=0.2"), Lang::Sv);
        assert_eq!(Lang::from_accept_language("sv;q=0"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
    }
}
