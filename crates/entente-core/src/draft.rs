//! Drafting as a use-case: a template and its variables become a draft agreement (parties,
//! terms and obligations from the variables, never re-extracted), checked against the
//! playbook; a clause switches to a fallback position as a recorded choice that re-assembles
//! the text; and a draft with blocking findings moves to review only with a recorded override.

use crate::Result;
use entente_analysis::Limits;
use entente_domain::agreement::AgreementDraft;
use entente_domain::document::MediaType;
use entente_domain::party::AgreementPartyDraft;
use entente_domain::terms::{Evidence, Terms};
use entente_domain::terms::{Source, Sourced, TermField};
use entente_domain::{AgreementId, ValidationError, ValidationErrors, VersionId};
use entente_domain::{AgreementStatus, Timestamp};
use entente_playbook::Report;
use entente_playbook::Severity;
use entente_render::Format;
use entente_store::{Actor, DraftSource, NewVersion, Note, Reassembled, Store, VersionAnalysis};
use entente_template::{Catalogue, Draft, DraftError, DraftRequest, Template};
use serde::Serialize;

/// Findings at or above this severity block the move to review until a person records an
/// override.
pub const BLOCKING: Severity = Severity::High;

/// What drafting stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Drafted {
    /// The agreement (status draft).
    pub agreement_id: AgreementId,
    /// Its first version (the DOCX).
    pub version_id: VersionId,
    /// Title.
    pub title: String,
    /// Template id and version.
    pub template: String,
    /// Risk score of the playbook check, when it ran.
    pub risk_score: Option<u32>,
    /// Findings of that check.
    pub findings: Option<usize>,
    /// Findings at or above the blocking severity.
    pub blocking: Option<usize>,
    /// Each clause's position.
    #[schema(value_type = Vec<ChosenPositionSchema>)]
    pub positions: Vec<entente_template::ChosenPosition>,
}

/// The position a clause takes in a draft (the OpenAPI shape of
/// [`entente_template::ChosenPosition`], which knows nothing of OpenAPI).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ChosenPosition)]
pub struct ChosenPositionSchema {
    /// Clause id.
    pub clause: String,
    /// Its title.
    pub title: String,
    /// Version of the clause's wording.
    pub version: String,
    /// `preferred` or a fallback's id.
    pub position: String,
    /// What the position says.
    pub summary: String,
}

/// Turns assembly errors into validation errors naming the variable.
pub fn draft_errors(e: DraftError) -> crate::CoreError {
    match e {
        DraftError::Invalid(list) => ValidationErrors(
            list.into_iter()
                .map(|v| ValidationError::new(v.variable, v.message))
                .collect(),
        )
        .into(),
        DraftError::Text { clause, message } => ValidationErrors(vec![ValidationError::new(
            format!("clause {clause}"),
            message,
        )])
        .into(),
    }
}

/// Assembles a draft without storing anything (for a preview or a file).
pub fn assemble(catalogue: &Catalogue, template: &str, req: &DraftRequest) -> Result<Draft> {
    let t = catalogue.template(template).ok_or_else(|| {
        let ids: Vec<&str> = catalogue
            .templates()
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        ValidationError::new(
            "template",
            format!(
                "{template:?} is not a template (one of: {})",
                ids.join(", ")
            ),
        )
    })?;
    t.draft(&catalogue.library, req).map_err(draft_errors)
}

/// Renders a draft in a format.
pub fn render(draft: &Draft, format: Format) -> Result<Vec<u8>> {
    entente_render::render(&draft.document, format)
        .map_err(|e| crate::CoreError::internal(e.to_string()))
}

/// The audit action of an override of the review gate.
pub const OVERRIDE_ACTION: &str = "draft.override";

/// The longest override reason kept.
const MAX_REASON: usize = 2000;

/// The version a draft is stored as: its DOCX, the text analysis reads from it, its clauses
/// (from segmenting the text) and its obligations (from the variables).
fn stored_version(
    draft: &Draft,
) -> Result<(entente_analysis::Analysis, NewVersion, VersionAnalysis)> {
    let bytes = render(draft, Format::Docx)?;
    let filename = format!("{}.docx", draft.template);
    let (analysis, _) = crate::import::analyse(&bytes, &filename, &Limits::default())?;
    let record = analysis.record();
    let version = NewVersion {
        filename,
        media_type: MediaType::Docx,
        bytes,
        text: analysis.text().to_owned(),
    };
    let evidence = Evidence {
        clause: None,
        start: 0,
        end: 0,
        confidence: 1.0,
    };
    let va = VersionAnalysis {
        clauses: record.clauses,
        terms: Vec::new(),
        obligations: draft
            .obligations
            .iter()
            .map(|o| (o.clone(), evidence))
            .collect(),
    };
    Ok((analysis, version, va))
}

fn template_source(draft: &Draft) -> String {
    format!("template:{}@{}", draft.template, draft.template_version)
}

/// A draft's term as the template entered it.
fn sourced(draft: &Draft, t: &entente_template::DraftTerm, at: Timestamp) -> Sourced {
    Sourced {
        value: t.value.clone(),
        source: Source::User {
            by: template_source(draft),
            at,
            note: Some(format!("from the variable {}", t.variable)),
        },
    }
}

fn blocking_count(report: &Report) -> usize {
    report
        .findings
        .iter()
        .filter(|f| f.severity.rank() >= BLOCKING.rank())
        .count()
}

/// Stores a draft as a new agreement in status draft, in one transaction: its DOCX as the
/// first version, the parties, terms and obligations from the variables, what it was
/// assembled from (`req`, so a clause's position can be switched later) and a `draft.created`
/// audit event with the template, variables and every clause position; then checks it
/// against the tenant's playbook.
pub async fn create_draft(
    store: &Store,
    actor: &Actor,
    draft: &Draft,
    req: &DraftRequest,
    owner: Option<String>,
) -> Result<Drafted> {
    let template = template_source(draft);
    let at = store.now();
    let mut terms = Terms::default();
    for t in &draft.terms {
        let s = sourced(draft, t, at);
        terms.0.insert(t.field, s);
    }
    let new = AgreementDraft {
        title: draft.title.clone(),
        kind: Some(draft.kind.clone()),
        status: Some("draft".into()),
        owner,
        tags: vec![format!("template-{}", draft.template)],
        parties: draft
            .parties
            .iter()
            .map(|p| AgreementPartyDraft {
                party_id: None,
                legal_name: Some(p.legal_name.clone()),
                short_name: Some(p.short_name.clone()),
                role: p.role.clone(),
                jurisdiction: Some(p.jurisdiction.clone()),
            })
            .collect(),
    }
    .validate(terms)?;
    let (analysis, version, va) = stored_version(draft)?;
    let source = DraftSource {
        template: draft.template.clone(),
        template_version: draft.template_version.clone(),
        variables: req.values.clone(),
        positions: preferred_dropped(draft, &req.positions),
    };
    let (agreement_id, version_id) = store
        .import_template_draft(
            actor,
            &new,
            &version,
            &va,
            &source,
            serde_json::json!({
                "template": draft.template,
                "template_version": draft.template_version,
                "values": draft.values,
                "positions": draft.positions,
            }),
        )
        .await?;
    let report = crate::check::check_version(
        store,
        actor,
        agreement_id,
        version_id,
        &analysis,
        new.kind,
        &new.terms,
    )
    .await;
    Ok(Drafted {
        agreement_id,
        version_id,
        title: new.title.as_str().to_owned(),
        template,
        risk_score: report.as_ref().map(|r| r.score.total),
        findings: report.as_ref().map(|r| r.findings.len()),
        blocking: report.as_ref().map(blocking_count),
        positions: draft.positions.clone(),
    })
}

/// The explicit choices worth keeping: a clause at its preferred position needs no entry.
fn preferred_dropped(
    draft: &Draft,
    asked: &std::collections::BTreeMap<String, String>,
) -> std::collections::BTreeMap<String, String> {
    let mut out: std::collections::BTreeMap<String, String> = asked
        .iter()
        .filter(|(_, p)| p.as_str() != "preferred")
        .map(|(c, p)| (c.clone(), p.clone()))
        .collect();
    for p in &draft.positions {
        if p.position != "preferred" {
            out.insert(p.clause.clone(), p.position.clone());
        }
    }
    out
}

/// One position a clause can take, for a person choosing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PositionOption {
    /// `preferred` or the fallback's id.
    pub id: String,
    /// What it says, in one line.
    pub summary: String,
}

/// A clause of a template draft: where it stands and where it could go.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClausePositions {
    /// Clause id.
    pub clause: String,
    /// Its title.
    pub title: String,
    /// Version of its wording.
    pub version: String,
    /// The position the draft uses.
    pub position: String,
    /// Guidance for negotiators.
    pub guidance: String,
    /// Every position, preferred first, then the fallbacks in the order to concede them.
    pub options: Vec<PositionOption>,
}

/// The clause positions of a template draft.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DraftPositions {
    /// The agreement.
    pub agreement_id: AgreementId,
    /// Template id.
    pub template: String,
    /// Template version the draft was last assembled with.
    pub template_version: String,
    /// Every clause the draft includes, in document order.
    pub clauses: Vec<ClausePositions>,
}

/// What a switch of position stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Switched {
    /// The agreement.
    pub agreement_id: AgreementId,
    /// The new version holding the re-assembled text.
    pub version_id: VersionId,
    /// Clause id.
    pub clause: String,
    /// The position it had.
    pub from: String,
    /// The position it has now.
    pub to: String,
    /// Terms the switch changed (field names).
    pub terms_changed: Vec<String>,
    /// Risk score of the new check, when it ran.
    pub risk_score: Option<u32>,
    /// Findings of that check.
    pub findings: Option<usize>,
    /// Findings at or above the blocking severity.
    pub blocking: Option<usize>,
}

/// A template draft's source and its template from the catalogue.
async fn source_and_template<'c>(
    store: &Store,
    actor: &Actor,
    catalogue: &'c Catalogue,
    id: AgreementId,
) -> Result<(DraftSource, &'c Template)> {
    let source = store.draft_source(actor, id).await?.ok_or_else(|| {
        ValidationError::new(
            "agreement",
            "was not drafted from a template, so it has no clause positions",
        )
    })?;
    let template = catalogue.template(&source.template).ok_or_else(|| {
        crate::CoreError::Conflict(format!(
            "the draft's template {:?} is not in the template library any more",
            source.template
        ))
    })?;
    Ok((source, template))
}

fn request(source: &DraftSource) -> DraftRequest {
    DraftRequest {
        values: source.variables.clone(),
        positions: source.positions.clone(),
    }
}

/// Every clause of a template draft with its position and the positions it could take.
pub async fn positions(
    store: &Store,
    actor: &Actor,
    catalogue: &Catalogue,
    id: AgreementId,
) -> Result<DraftPositions> {
    let (source, template) = source_and_template(store, actor, catalogue, id).await?;
    let draft = template
        .draft(&catalogue.library, &request(&source))
        .map_err(draft_errors)?;
    let clauses = draft
        .positions
        .iter()
        .map(|p| {
            let c = catalogue.library.get(&p.clause);
            ClausePositions {
                clause: p.clause.clone(),
                title: p.title.clone(),
                version: p.version.clone(),
                position: p.position.clone(),
                guidance: c.map(|c| c.guidance.clone()).unwrap_or_default(),
                options: c
                    .map(|c| {
                        c.positions
                            .iter()
                            .map(|o| PositionOption {
                                id: o.id.clone(),
                                summary: o.summary.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    Ok(DraftPositions {
        agreement_id: id,
        template: template.id.clone(),
        template_version: template.version.clone(),
        clauses,
    })
}

/// Switches a clause of a template draft to another position: the text is re-assembled with
/// it and stored as a new version, terms the position changes are updated, the choice goes
/// into the audit trail (`draft.position`), and the new text is checked against the playbook.
/// An unknown clause or position is refused, naming it, and nothing changes.
pub async fn switch_position(
    store: &Store,
    actor: &Actor,
    catalogue: &Catalogue,
    id: AgreementId,
    clause: &str,
    position: &str,
) -> Result<Switched> {
    let (source, template) = source_and_template(store, actor, catalogue, id).await?;
    let old_req = request(&source);
    let old = template
        .draft(&catalogue.library, &old_req)
        .map_err(draft_errors)?;
    let Some(current) = old.positions.iter().find(|p| p.clause == clause) else {
        let ids: Vec<&str> = old.positions.iter().map(|p| p.clause.as_str()).collect();
        return Err(ValidationError::new(
            "clause",
            format!(
                "{clause:?} is not a clause of this draft (one of: {})",
                ids.join(", ")
            ),
        )
        .into());
    };
    let lib_clause = catalogue.library.get(clause).ok_or_else(|| {
        ValidationError::new("clause", format!("{clause:?} is not in the clause library"))
    })?;
    if lib_clause.position(position).is_none() {
        let ids: Vec<&str> = lib_clause.positions.iter().map(|p| p.id.as_str()).collect();
        return Err(ValidationError::new(
            "position",
            format!(
                "{position:?} is not a position of clause {clause} (one of: {})",
                ids.join(", ")
            ),
        )
        .into());
    }
    if current.position == position {
        return Err(ValidationError::new(
            "position",
            format!("clause {clause} is already at position {position:?}"),
        )
        .into());
    }
    let mut req = old_req.clone();
    if position == "preferred" {
        req.positions.remove(clause);
    } else {
        req.positions.insert(clause.to_owned(), position.to_owned());
    }
    let draft = template
        .draft(&catalogue.library, &req)
        .map_err(draft_errors)?;
    let (analysis, version, va) = stored_version(&draft)?;
    let at = store.now();
    let changed: Vec<(TermField, Sourced)> = draft
        .terms
        .iter()
        .filter(|t| {
            !old.terms
                .iter()
                .any(|o| o.field == t.field && o.value == t.value)
        })
        .map(|t| (t.field, sourced(&draft, t, at)))
        .collect();
    let next_source = DraftSource {
        template: draft.template.clone(),
        template_version: draft.template_version.clone(),
        variables: source.variables.clone(),
        positions: req.positions.clone(),
    };
    let terms_changed: Vec<String> = changed.iter().map(|(f, _)| f.as_str().to_owned()).collect();
    let version_id = store
        .switch_draft_positions(
            actor,
            id,
            &Reassembled {
                version: &version,
                analysis: &va,
                terms: &changed,
            },
            &next_source,
            serde_json::json!({
                "clause": clause,
                "title": current.title,
                "from": current.position,
                "to": position,
                "summary": lib_clause.position(position).map(|p| p.summary.clone()),
                "template": draft.template,
                "template_version": draft.template_version,
                "terms_changed": terms_changed,
            }),
        )
        .await?;
    let a = store.get_agreement(actor, id).await?;
    let report =
        crate::check::check_version(store, actor, id, version_id, &analysis, a.kind, &a.terms)
            .await;
    Ok(Switched {
        agreement_id: id,
        version_id,
        clause: clause.to_owned(),
        from: current.position.clone(),
        to: position.to_owned(),
        terms_changed,
        risk_score: report.as_ref().map(|r| r.score.total),
        findings: report.as_ref().map(|r| r.findings.len()),
        blocking: report.as_ref().map(blocking_count),
    })
}

/// The review gate: a template draft whose check has findings at or above [`BLOCKING`]
/// moves to review only with an override giving a reason. Returns the override's audit event
/// to record with the move (none when nothing blocks or the agreement is not a template
/// draft); refuses, listing the blocking findings, when there is no reason.
pub async fn review_gate(
    store: &Store,
    actor: &Actor,
    id: AgreementId,
    override_reason: Option<&str>,
) -> Result<Option<Note>> {
    let a = store.get_agreement(actor, id).await?;
    if a.status != AgreementStatus::Draft || store.draft_source(actor, id).await?.is_none() {
        return Ok(None);
    }
    let reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
    if let Some(r) = reason
        && r.chars().count() > MAX_REASON
    {
        return Err(ValidationError::new(
            "override",
            format!("must be at most {MAX_REASON} characters"),
        )
        .into());
    }
    // Checked now, against the current text and terms with the tenant's playbook: a stored
    // check may predate a switch of position or a corrected term.
    let checked = crate::check::check_agreement(store, actor, id, None, None, false).await?;
    let blocking: Vec<&entente_playbook::Finding> = checked
        .report
        .findings
        .iter()
        .filter(|f| f.severity.rank() >= BLOCKING.rank())
        .collect();
    if blocking.is_empty() {
        return Ok(None);
    }
    let Some(reason) = reason else {
        let mut errors = vec![ValidationError::new(
            "override",
            format!(
                "{} finding(s) at or above {BLOCKING} block the move to review: fix them, or give an override with a reason",
                blocking.len()
            ),
        )];
        errors.extend(blocking.iter().map(|f| {
            ValidationError::new(
                format!("finding {}", f.rule_id),
                format!("{}: {}", f.severity, f.message),
            )
        }));
        return Err(ValidationErrors(errors).into());
    };
    Ok(Some(Note {
        action: OVERRIDE_ACTION.to_owned(),
        details: serde_json::json!({
            "reason": reason,
            "by": actor.name,
            "blocking_severity": BLOCKING.as_str(),
            "version": checked.version_number,
            "findings": blocking.iter().map(|f| serde_json::json!({
                "rule_id": f.rule_id,
                "severity": f.severity.as_str(),
                "message": f.message,
            })).collect::<Vec<_>>(),
        }),
    }))
}

/// Moves an agreement to another status; a move of a template draft to review passes the
/// review gate first ([`review_gate`]), its override recorded with the move.
pub async fn move_agreement(
    store: &Store,
    actor: &Actor,
    id: AgreementId,
    next: AgreementStatus,
    reason: Option<&str>,
    override_reason: Option<&str>,
) -> Result<AgreementStatus> {
    let note = if next == AgreementStatus::InReview {
        review_gate(store, actor, id, override_reason).await?
    } else {
        None
    };
    let today = store.today(actor).await?;
    Ok(store
        .move_agreement_noted(actor, id, next, reason, today, note.as_ref())
        .await?)
}

/// Submits an agreement for approval; a template draft passes the review gate first.
pub async fn submit_for_approval(
    store: &Store,
    actor: &Actor,
    id: AgreementId,
    comment: Option<&str>,
    override_reason: Option<&str>,
) -> Result<entente_domain::approval::ApprovalChain> {
    let note = review_gate(store, actor, id, override_reason).await?;
    Ok(store
        .submit_for_approval_noted(actor, id, comment, note.as_ref())
        .await?)
}

/// The clause library and templates shipped with Entente, loaded once.
pub fn catalogue() -> Result<&'static Catalogue> {
    static CATALOGUE: std::sync::OnceLock<Result<Catalogue, entente_template::LoadError>> =
        std::sync::OnceLock::new();
    CATALOGUE
        .get_or_init(Catalogue::builtin)
        .as_ref()
        .map_err(|e| crate::CoreError::internal(format!("the built-in templates do not load: {e}")))
}

/// A template variable as a form shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VariableInfo {
    /// Name (the key in `variables`).
    pub name: String,
    /// Label.
    pub label: String,
    /// Help for whoever fills it in.
    pub help: Option<String>,
    /// `text`, `party`, `parties`, `date`, `duration`, `money`, `percentage`, `number`,
    /// `enum`, `boolean` or `list`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether a value must be given (there is no default).
    pub required: bool,
    /// The value used when none is given.
    pub default: Option<serde_json::Value>,
    /// For a party or parties: the role stored with the agreement.
    pub role: Option<String>,
    /// Text: most characters.
    pub max_length: Option<usize>,
    /// Parties or list: fewest items; number: smallest value (as text).
    pub min: Option<String>,
    /// Parties: most items; number: largest value (as text).
    pub max: Option<String>,
    /// Enum: the allowed values.
    pub values: Vec<String>,
}

impl VariableInfo {
    fn of(v: &entente_template::template::Variable) -> Self {
        use entente_template::values::VarType;
        let mut i = Self {
            name: v.name.clone(),
            label: v.label.clone(),
            help: v.help.clone(),
            kind: String::new(),
            required: v.default.is_none(),
            default: v.default.clone(),
            role: v.role.clone(),
            max_length: None,
            min: None,
            max: None,
            values: Vec::new(),
        };
        i.kind = match &v.ty {
            VarType::Text { max_length } => {
                i.max_length = Some(max_length.unwrap_or(500));
                "text"
            }
            VarType::Party => "party",
            VarType::Parties { min, max } => {
                i.min = Some(min.unwrap_or(2).to_string());
                i.max = max.map(|m| m.to_string());
                "parties"
            }
            VarType::Date => "date",
            VarType::Duration => "duration",
            VarType::Money => "money",
            VarType::Percentage => "percentage",
            VarType::Number { min, max } => {
                i.min = min.clone();
                i.max = max.clone();
                "number"
            }
            VarType::Enum { values } => {
                i.values = values.clone();
                "enum"
            }
            VarType::Boolean => "boolean",
            VarType::List { min } => {
                i.min = min.map(|m| m.to_string());
                "list"
            }
        }
        .to_owned();
        i
    }
}

/// A clause a template may include, with its positions.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TemplateClause {
    /// Clause id.
    pub clause: String,
    /// Its title.
    pub title: String,
    /// Guidance for negotiators.
    pub guidance: String,
    /// Preferred first, then the fallbacks.
    pub options: Vec<PositionOption>,
}

/// A template with its variable schema, as the drafting form needs it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TemplateInfo {
    /// Id (`technology-integration`).
    pub id: String,
    /// Version.
    pub version: String,
    /// Title of the agreement.
    pub title: String,
    /// Agreement kind.
    pub kind: String,
    /// What it is for.
    pub description: String,
    /// Variables, in form order.
    pub variables: Vec<VariableInfo>,
    /// Clauses that have fallback positions, in document order.
    pub clauses: Vec<TemplateClause>,
}

impl TemplateInfo {
    /// A template as the form shows it.
    pub fn of(t: &Template, library: &entente_template::ClauseLibrary) -> Self {
        let mut seen = std::collections::BTreeSet::new();
        Self {
            id: t.id.clone(),
            version: t.version.clone(),
            title: t.title.clone(),
            kind: t.kind.clone(),
            description: t.description.clone(),
            variables: t.variables.iter().map(VariableInfo::of).collect(),
            clauses: t
                .clause_ids()
                .into_iter()
                .filter(|id| seen.insert(*id))
                .filter_map(|id| library.get(id))
                .filter(|c| c.positions.len() > 1)
                .map(|c| TemplateClause {
                    clause: c.id.clone(),
                    title: c.title.clone(),
                    guidance: c.guidance.clone(),
                    options: c
                        .positions
                        .iter()
                        .map(|p| PositionOption {
                            id: p.id.clone(),
                            summary: p.summary.clone(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Every template of the catalogue with its variable schema.
pub fn templates(catalogue: &Catalogue) -> Vec<TemplateInfo> {
    catalogue
        .templates()
        .iter()
        .map(|t| TemplateInfo::of(t, &catalogue.library))
        .collect()
}
