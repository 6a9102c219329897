-- One-click unsubscribe from alert e-mails (RFC 8058). A person listed here gets no alert
-- e-mail from the tenant; the in-app inbox still holds every alert. E-mail in lower case.
create table email_opt_out (
    organisation_id text not null references organisation (organisation_id),
    email text not null,
    created_at text not null,
    updated_at text not null,
    primary key (organisation_id, email)
);

-- The key that signs the tenant's unsubscribe links (base64 of 32 random bytes), made on
-- first use and shared by every instance, so a link works whichever instance answers it.
create table mail_signing_key (
    organisation_id text primary key references organisation (organisation_id),
    secret text not null,
    created_at text not null,
    updated_at text not null
);
