//! `entente admin`: accounts from the command line — create users (the first administrator
//! included) and API tokens. The password is read from standard input, never from flags.

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
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let (store, actor) = ctx.open().await?;
        match self.cmd {
            AdminCmd::CreateUser { email, name, role } => {
                let role = Role::parse(&role)?;
                let mut password = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut password)
                    .context("cannot read the password from standard input")?;
                let password = password.trim_end_matches(['\r', '\n']);
                let hash = entente_core::auth::hash_password(password)?;
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
        }
        store.close().await;
        Ok(Outcome::Ok)
    }
}
