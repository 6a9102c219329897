//! The "New draft" page: pick a template, fill a form generated from its variable schema
//! (validation messages beside each field), see a live preview (htmx, debounced; a Preview
//! button without JavaScript) and create the draft; and the switch of a draft's clause
//! positions on the agreement page. The same core calls as `/api/templates`, `/api/drafts`
//! and `/api/agreements/{id}/positions`.

use super::agreement::{FormProblem, page};
use super::{Posted, Shell, UiError, UiResult, Viewer, render};
use crate::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use entente_core::CoreError;
use entente_core::draft::{self as uc, TemplateInfo, VariableInfo};
use entente_domain::ValidationError;
use entente_domain::access::Permission;
use entente_template::DraftRequest;
use serde::Deserialize;
use std::collections::HashMap;

/// Most party rows a form may carry (a consortium of fifty is already unusual).
const MAX_ROWS: usize = 50;

/// The party fields a form row asks for: (name, label, required).
const PARTY_FIELDS: &[(&str, &str, bool)] = &[
    ("legal_name", "Legal name", true),
    ("short_name", "Short name", true),
    ("jurisdiction", "Jurisdiction", true),
    ("address", "Registered address", true),
    ("notice_email", "Notice e-mail", true),
    ("country", "Country (if not the jurisdiction)", false),
];

/// One party's row of inputs: (field name, label, required, value).
pub(crate) struct PartyRow {
    pub(crate) index: usize,
    /// (input name, field, label, required, value).
    pub(crate) fields: Vec<(String, &'static str, &'static str, bool, String)>,
}

/// A variable's inputs, filled with what was typed (or its default).
pub(crate) struct FieldView {
    pub(crate) name: String,
    pub(crate) label: String,
    pub(crate) help: String,
    pub(crate) kind: String,
    pub(crate) required: bool,
    pub(crate) error: Option<String>,
    /// Text, date, duration, number, percentage, enum, list (one item a line).
    pub(crate) value: String,
    pub(crate) checked: bool,
    pub(crate) amount: String,
    pub(crate) currency: String,
    /// Enum: (value, selected).
    pub(crate) options: Vec<(String, bool)>,
    /// Party (one row) or parties (at least the minimum).
    pub(crate) rows: Vec<PartyRow>,
    pub(crate) max_length: usize,
}

/// A clause with fallbacks: its positions as a choice.
pub(crate) struct PositionField {
    pub(crate) clause: String,
    pub(crate) title: String,
    pub(crate) guidance: String,
    /// (id, summary, selected).
    pub(crate) options: Vec<(String, String, bool)>,
    pub(crate) error: Option<String>,
}

/// The preview panel: the draft as it reads, or why it cannot be assembled yet.
#[derive(Template, WebTemplate)]
#[template(path = "draft_preview.html")]
pub(crate) struct PreviewPanel {
    /// The document as an HTML fragment from entente-render (escaped there).
    pub(crate) html: Option<String>,
    /// (field, message) for each problem.
    pub(crate) errors: Vec<(String, String)>,
    /// Whether anything was asked yet.
    pub(crate) asked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "draft.html")]
struct DraftPage {
    shell: Shell,
    /// (id, title, description, selected).
    templates: Vec<(String, String, String, bool)>,
    template: Option<TemplateInfo>,
    fields: Vec<FieldView>,
    positions: Vec<PositionField>,
    owner: String,
    /// Problems no field owns.
    top_errors: Vec<String>,
    /// The preview panel, rendered.
    preview_html: String,
}

fn panel_html(p: &PreviewPanel) -> UiResult<String> {
    p.render()
        .map_err(|e| UiError(CoreError::internal(format!("the preview panel: {e}"))))
}

/// The page's query: which template.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Pick {
    #[serde(default)]
    template: String,
}

/// The form as posted: every field by name (the last value wins).
struct FormState(HashMap<String, String>);

impl FormState {
    fn get(&self, k: &str) -> &str {
        self.0.get(k).map_or("", |s| s.trim())
    }
    fn has(&self, k: &str) -> bool {
        self.0.contains_key(k)
    }
}

fn text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// How many party rows the form shows for `name`.
fn rows_for(var: &VariableInfo, form: Option<&FormState>, add: bool) -> usize {
    let min = var
        .min
        .as_deref()
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(2);
    let given = form
        .and_then(|f| f.get(&format!("n.{}", var.name)).parse::<usize>().ok())
        .unwrap_or(0);
    let max = var
        .max
        .as_deref()
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(MAX_ROWS)
        .min(MAX_ROWS);
    (given.max(min) + usize::from(add)).min(max.max(min))
}

fn party_row(prefix: &str, index: usize, form: Option<&FormState>) -> PartyRow {
    PartyRow {
        index,
        fields: PARTY_FIELDS
            .iter()
            .map(|(f, label, req)| {
                let key = format!("{prefix}.{f}");
                let v = form.map_or(String::new(), |s| s.get(&key).to_owned());
                (key, *f, *label, *req, v)
            })
            .collect(),
    }
}

/// A party from its row of inputs; `None` when the row is empty.
fn party_value(prefix: &str, form: &FormState) -> Option<serde_json::Value> {
    let mut m = serde_json::Map::new();
    for (f, _, _) in PARTY_FIELDS {
        let v = form.get(&format!("{prefix}.{f}"));
        if !v.is_empty() {
            m.insert((*f).to_owned(), v.into());
        }
    }
    if m.is_empty() {
        return None;
    }
    // The form asks the required fields; an empty one is still sent, so the message says
    // which is missing rather than that the party is.
    for (f, _, req) in PARTY_FIELDS {
        if *req {
            m.entry(*f).or_insert_with(|| "".into());
        }
    }
    Some(serde_json::Value::Object(m))
}

/// The assembly request the form stands for.
fn request(t: &TemplateInfo, form: &FormState) -> DraftRequest {
    let mut req = DraftRequest::default();
    for var in &t.variables {
        let key = format!("v.{}", var.name);
        let value = match var.kind.as_str() {
            "party" => party_value(&key, form),
            "parties" => {
                let list: Vec<serde_json::Value> = (0..rows_for(var, Some(form), false))
                    .filter_map(|i| party_value(&format!("{key}.{i}"), form))
                    .collect();
                (!list.is_empty()).then(|| list.into())
            }
            "money" => {
                let (amount, currency) = (
                    form.get(&format!("{key}.amount")),
                    form.get(&format!("{key}.currency")),
                );
                (!amount.is_empty() || !currency.is_empty()).then(
                    || serde_json::json!({"amount": amount, "currency": currency.to_uppercase()}),
                )
            }
            // An unticked box sends nothing: the form always has the box, so that is "no".
            "boolean" => Some(form.has(&key).into()),
            "list" => {
                let items: Vec<serde_json::Value> = form
                    .get(&key)
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(Into::into)
                    .collect();
                (!items.is_empty()).then(|| items.into())
            }
            _ => Some(form.get(&key))
                .filter(|s| !s.is_empty())
                .map(Into::into),
        };
        if let Some(v) = value {
            req.values.insert(var.name.clone(), v);
        }
    }
    for c in &t.clauses {
        let p = form.get(&format!("p.{}", c.clause));
        if !p.is_empty() && p != "preferred" {
            req.positions.insert(c.clause.clone(), p.to_owned());
        }
    }
    req
}

/// The form's fields: what was typed, else each variable's default.
fn fields(
    t: &TemplateInfo,
    form: Option<&FormState>,
    errors: &[ValidationError],
    add: &str,
) -> (Vec<FieldView>, Vec<PositionField>) {
    let error = |name: &str| {
        let all: Vec<&str> = errors
            .iter()
            .filter(|e| e.field == name)
            .map(|e| e.message.as_str())
            .collect();
        (!all.is_empty()).then(|| all.join("; "))
    };
    let fields = t
        .variables
        .iter()
        .map(|var| {
            let key = format!("v.{}", var.name);
            let default = var.default.as_ref().map(text_of).unwrap_or_default();
            let typed = |k: &str| form.map_or(String::new(), |f| f.get(k).to_owned());
            let value = match form {
                Some(f) => f.get(&key).to_owned(),
                None => match &var.default {
                    Some(serde_json::Value::Array(a)) => {
                        a.iter().map(text_of).collect::<Vec<_>>().join("\n")
                    }
                    _ => default.clone(),
                },
            };
            let rows = match var.kind.as_str() {
                "party" => vec![party_row(&key, 0, form)],
                "parties" => (0..rows_for(var, form, add == var.name))
                    .map(|i| party_row(&format!("{key}.{i}"), i, form))
                    .collect(),
                _ => Vec::new(),
            };
            FieldView {
                name: var.name.clone(),
                label: var.label.clone(),
                help: var.help.clone().unwrap_or_default(),
                kind: var.kind.clone(),
                required: var.required,
                error: error(&var.name),
                checked: match form {
                    Some(f) => f.has(&key),
                    None => var.default == Some(serde_json::Value::Bool(true)),
                },
                amount: typed(&format!("{key}.amount")),
                currency: match form {
                    Some(f) => f.get(&format!("{key}.currency")).to_owned(),
                    None => "EUR".to_owned(),
                },
                options: var
                    .values
                    .iter()
                    .map(|o| (o.clone(), *o == value))
                    .collect(),
                rows,
                max_length: var.max_length.unwrap_or(500),
                value,
            }
        })
        .collect();
    let positions = t
        .clauses
        .iter()
        .map(|c| {
            let chosen = form
                .map(|f| f.get(&format!("p.{}", c.clause)).to_owned())
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "preferred".to_owned());
            PositionField {
                clause: c.clause.clone(),
                title: c.title.clone(),
                guidance: c.guidance.clone(),
                options: c
                    .options
                    .iter()
                    .map(|o| (o.id.clone(), o.summary.clone(), o.id == chosen))
                    .collect(),
                error: error(&format!("positions.{}", c.clause)),
            }
        })
        .collect();
    (fields, positions)
}

fn template_list(selected: &str) -> UiResult<Vec<(String, String, String, bool)>> {
    Ok(uc::templates(uc::catalogue()?)
        .into_iter()
        .map(|t| {
            let s = t.id == selected;
            (t.id, t.title, t.description, s)
        })
        .collect())
}

fn find_template(id: &str) -> UiResult<Option<TemplateInfo>> {
    if id.is_empty() {
        return Ok(None);
    }
    let t = uc::templates(uc::catalogue()?)
        .into_iter()
        .find(|t| t.id == id);
    match t {
        Some(t) => Ok(Some(t)),
        None => Err(UiError(
            ValidationError::new("template", format!("{id:?} is not a template")).into(),
        )),
    }
}

/// `GET /drafts/new[?template=ID]`: the template picker, and the form of the chosen one.
pub(crate) async fn new_draft(v: Viewer, Query(q): Query<Pick>) -> UiResult {
    v.caller.require(Permission::WriteAgreements)?;
    let template = find_template(q.template.trim())?;
    let (fields, positions) = template
        .as_ref()
        .map(|t| fields(t, None, &[], ""))
        .unwrap_or_default();
    Ok(render(DraftPage {
        shell: v.shell("agreements"),
        templates: template_list(q.template.trim())?,
        template,
        fields,
        positions,
        owner: String::new(),
        top_errors: Vec::new(),
        preview_html: panel_html(&PreviewPanel {
            html: None,
            errors: Vec::new(),
            asked: false,
        })?,
    }))
}

/// Assembles what the form says: the draft, or each problem as (field, message).
fn assemble(
    t: &TemplateInfo,
    req: &DraftRequest,
) -> UiResult<Result<entente_template::Draft, Vec<ValidationError>>> {
    match uc::assemble(uc::catalogue()?, &t.id, req) {
        Ok(d) => Ok(Ok(d)),
        Err(CoreError::Validation(v)) => Ok(Err(v.0)),
        Err(e) => Err(UiError(e)),
    }
}

fn panel(result: &Result<entente_template::Draft, Vec<ValidationError>>) -> PreviewPanel {
    match result {
        Ok(d) => PreviewPanel {
            html: Some(entente_render::html_body(&d.document)),
            errors: Vec::new(),
            asked: true,
        },
        Err(errors) => PreviewPanel {
            html: None,
            errors: errors
                .iter()
                .map(|e| (e.field.clone(), e.message.clone()))
                .collect(),
            asked: true,
        },
    }
}

fn form_state(pairs: Vec<(String, String)>) -> FormState {
    FormState(pairs.into_iter().collect())
}

/// `POST /drafts/preview` (htmx, as the form changes): the preview panel alone.
pub(crate) async fn preview(Posted { viewer, form }: Posted<Vec<(String, String)>>) -> UiResult {
    viewer.caller.require(Permission::WriteAgreements)?;
    let form = form_state(form);
    let Some(t) = find_template(form.get("template"))? else {
        return Ok(render(PreviewPanel {
            html: None,
            errors: vec![("template".into(), "choose a template".into())],
            asked: true,
        }));
    };
    let result = assemble(&t, &request(&t, &form))?;
    Ok(render(panel(&result)))
}

/// `POST /drafts/new`: the form submitted. `action=preview` (the button without JavaScript)
/// shows the page again with the preview; `action=add:NAME` adds a party row; `create`
/// stores the draft and goes to its page. Invalid variables bring the form back (422) with
/// each message beside its field, nothing stored.
pub(crate) async fn submit(
    State(s): State<AppState>,
    Posted { viewer, form }: Posted<Vec<(String, String)>>,
) -> UiResult {
    let actor = viewer.caller.require(Permission::WriteAgreements)?;
    let form = form_state(form);
    let Some(t) = find_template(form.get("template"))? else {
        return Err(UiError(
            ValidationError::new("template", "choose a template").into(),
        ));
    };
    let action = form.get("action").to_owned();
    let add = action.strip_prefix("add:").unwrap_or("").to_owned();
    let req = request(&t, &form);
    let result = assemble(&t, &req)?;
    let owner = form.get("owner").to_owned();
    if action == "create"
        && let Ok(d) = &result
    {
        let owner_opt = (!owner.is_empty()).then(|| owner.clone());
        match uc::create_draft(&s.store, actor, d, &req, owner_opt).await {
            Ok(made) => {
                return Ok(super::see_other(&format!(
                    "/agreements/{}",
                    made.agreement_id
                )));
            }
            Err(CoreError::Validation(v)) => {
                return page_again(&viewer, t, &form, v.0, owner, &add, None);
            }
            Err(e) => return Err(UiError(e)),
        }
    }
    let errors = match &result {
        Ok(_) => Vec::new(),
        Err(e) => e.clone(),
    };
    // Adding a row is not a submission: its errors would be noise.
    let shown = if add.is_empty() { errors } else { Vec::new() };
    page_again(&viewer, t, &form, shown, owner, &add, Some(panel(&result)))
}

fn page_again(
    viewer: &Viewer,
    t: TemplateInfo,
    form: &FormState,
    errors: Vec<ValidationError>,
    owner: String,
    add: &str,
    preview: Option<PreviewPanel>,
) -> UiResult {
    let (fields, positions) = fields(&t, Some(form), &errors, add);
    let known = |f: &str| {
        t.variables.iter().any(|v| v.name == f)
            || f.strip_prefix("positions.")
                .is_some_and(|c| t.clauses.iter().any(|x| x.clause == c))
    };
    let top_errors = errors
        .iter()
        .filter(|e| !known(&e.field))
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = DraftPage {
        shell: viewer.shell("agreements"),
        templates: template_list(&t.id)?,
        fields,
        positions,
        owner,
        top_errors,
        preview_html: panel_html(
            &preview.unwrap_or(PreviewPanel {
                html: None,
                errors: errors
                    .iter()
                    .map(|e| (e.field.clone(), e.message.clone()))
                    .collect(),
                asked: true,
            }),
        )?,
        template: Some(t),
    };
    Ok((status, render(page)).into_response())
}

/// A clause switched to another position from the agreement page.
#[derive(Debug, Deserialize)]
pub(crate) struct PositionForm {
    clause: String,
    position: String,
}

/// `POST /agreements/{id}/positions`: switches a clause of a template draft, as
/// `POST /api/agreements/{id}/positions` does; a refusal brings the page back (422) with the
/// message beside that clause's switch.
pub(crate) async fn switch_position(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted { viewer, form }: Posted<PositionForm>,
) -> UiResult {
    let actor = viewer.caller.require(Permission::WriteAgreements)?;
    let id = super::agreement::agreement_id(&id)?;
    let result = uc::switch_position(
        &s.store,
        actor,
        uc::catalogue()?,
        id,
        form.clause.trim(),
        form.position.trim(),
    )
    .await;
    match result {
        Ok(_) => Ok(super::see_other(&format!("/agreements/{id}#positions"))),
        Err(CoreError::Validation(errors)) => {
            let problem = FormProblem::new(
                "position",
                form.clause.trim(),
                errors.0,
                &[("position", "position")],
                HashMap::from([("position".to_owned(), form.position)]),
            );
            page(&s, &viewer, id, problem).await
        }
        Err(e) => Err(UiError(e)),
    }
}
