//! `entente admin`: accounts from the command line — create users (the first administrator
//! included), invitations, passwords, disabling and removing members, API tokens. Passwords
//! are read from standard input, never from flags.

use super::{Ctx, Outcome};
use anyhow::{Context, bail};
use entente_domain::access::Role;
use std::io::BufRead;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    cmd: AdminCmd,
}

#[derive(Debug, clap::Subcommand)]
enum AdminCmd {
    /// Create a user (or add an existing one to the organisation) with a role; reads the
    /// password from the first line of standard input.
    CreateUser {
        /// E-mail (login name).
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// admin, legal, procurement, business_owner, viewer or counterparty.
        #[arg(long, default_value = "viewer")]
        role: String,
    },
    /// Create an API token for a user; prints the secret once.
    CreateToken {
        /// The token's owner.
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long)]
        name: String,
        /// Role (default: the owner's).
        #[arg(long)]
        role: Option<String>,
        /// Days until expiry (default 90).
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// Set a member's password (first line of standard input, under the password policy);
    /// ends all their sessions.
    SetPassword {
        /// The member's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Invite someone; prints the link to send them (the server e-mails it when SMTP is set).
    Invite {
        /// Who is invited.
        #[arg(long)]
        email: String,
        /// admin, legal, procurement, business_owner, viewer or counterparty.
        #[arg(long, default_value = "viewer")]
        role: String,
        /// Display name for a new account.
        #[arg(long)]
        name: Option<String>,
        /// The address people reach the server at.
        #[arg(
            long,
            env = "ENTENTE_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
    },
    /// Disable a member: sign-in refused, sessions and tokens ended at once.
    Disable {
        /// The member's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled member again.
    Enable {
        /// The member's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Remove a member; their agreements, obligations and watches pass to another member.
    Remove {
        /// The member's e-mail.
        #[arg(long)]
        email: String,
        /// The member who takes over (default: nobody; ownerships are cleared).
        #[arg(long)]
        handover_to: Option<String>,
    },
    /// Show, or set, the organisation's own legal entities (legal names and aliases): they are
    /// not counterparties, so `list --party` and the risk by counterparty leave them out.
    OwnEntities {
        /// Replace the list with these names (repeatable), e.g. --name "Northwind Trading
        /// Limited" --name Northwind.
        #[arg(long = "name")]
        names: Vec<String>,
        /// Remove every name.
        #[arg(long, conflicts_with = "names")]
        clear: bool,
    },
}

/// The id of the member with `email` in the actor's organisation.
async fn member_id(
    store: &entente_store::Store,
    actor: &entente_store::Actor,
    email: &str,
) -> anyhow::Result<entente_domain::UserId> {
    let wanted = email.trim().to_lowercase();
    store
        .list_members(actor)
        .await?
        .into_iter()
        .find(|m| m.email == wanted)
        .map(|m| m.user_id)
        .with_context(|| format!("{email} is not a member of this organisation"))
}

fn read_password() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    Ok(password.trim_end_matches(['\r', '\n']).to_owned())
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let (store, actor) = ctx.open().await?;
        match self.cmd {
            AdminCmd::OwnEntities { names, clear } => {
                let names = if clear || !names.is_empty() {
                    store.set_own_entities(&actor, &names).await?
                } else {
                    store.own_entities(&actor).await?
                };
                if names.is_empty() {
                    println!(
                        "no own legal entities declared: every party counts as a counterparty"
                    );
                }
                for n in names {
                    println!("{n}");
                }
            }
            AdminCmd::CreateUser { email, name, role } => {
                let role = Role::parse(&role)?;
                let password = read_password()?;
                let hash = entente_core::auth::hash_new_password(&password, &email).await?;
                let name = name.unwrap_or_else(|| email.clone());
                let id = store
                    .add_member(&actor, &email, &name, Some(&hash), role, None)
                    .await?;
                println!("user {email} ({id}) is {} in {:?}", role.as_str(), ctx.org);
            }
            AdminCmd::CreateToken {
                email,
                name,
                role,
                expires_in_days,
            } => {
                let Some(rec) = store.login_record(&email).await? else {
                    bail!("no user {email}")
                };
                let Some(m) = rec.memberships.iter().find(|m| m.0 == actor.org) else {
                    bail!("{email} is not a member of {:?}", ctx.org)
                };
                let owner = entente_store::Principal {
                    user_id: rec.user_id,
                    email: rec.email.clone(),
                    org: m.0,
                    role: m.2,
                    party_id: m.3,
                    csrf: None,
                    last_seen: None,
                    token: None,
                    owner_role: None,
                };
                let role = role.as_deref().map(Role::parse).transpose()?;
                let (id, secret) = entente_core::auth::create_token(
                    &store,
                    &actor,
                    &owner,
                    &name,
                    role,
                    expires_in_days,
                )
                .await?;
                println!("token {id} for {email}: {secret}");
                eprintln!("(shown once; send it as `Authorization: Bearer <token>`)");
            }
            AdminCmd::SetPassword { email } => {
                let id = member_id(&store, &actor, &email).await?;
                let password = read_password()?;
                let hash = entente_core::auth::hash_new_password(&password, &email).await?;
                let ended = store.set_password(&actor, id, &hash, None).await?;
                println!("password of {email} set; {ended} session(s) ended");
            }
            AdminCmd::Invite {
                email,
                role,
                name,
                public_url,
            } => {
                let role = Role::parse(&role)?;
                let (inv, secret) = entente_core::account::invite(
                    &store,
                    &actor,
                    &email,
                    name.as_deref().unwrap_or_default(),
                    role,
                    None,
                )
                .await?;
                println!(
                    "invited {} as {} until {}: {}/invitation?token={secret}",
                    inv.email,
                    inv.role.as_str(),
                    inv.expires_at,
                    public_url.trim_end_matches('/')
                );
                eprintln!("(send the link to {} only; it works once)", inv.email);
            }
            AdminCmd::Disable { email } => {
                let id = member_id(&store, &actor, &email).await?;
                store.set_member_disabled(&actor, id, true).await?;
                println!("{email} is disabled; their sessions and tokens ended");
            }
            AdminCmd::Enable { email } => {
                let id = member_id(&store, &actor, &email).await?;
                store.set_member_disabled(&actor, id, false).await?;
                println!("{email} is enabled");
            }
            AdminCmd::Remove { email, handover_to } => {
                let id = member_id(&store, &actor, &email).await?;
                let heir = match &handover_to {
                    Some(h) => Some(member_id(&store, &actor, h).await?),
                    None => None,
                };
                let report = store.remove_member(&actor, id, heir).await?;
                println!("{}", super::json::pretty(&report)?);
            }
        }
        store.close().await;
        Ok(Outcome::Ok)
    }
}
