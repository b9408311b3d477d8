/**
 * AI assistant: ask a question (answer table + the SQL that produced it); ask for a change
 * (proposed drafts reviewed here, applied to the sandbox as one undoable step, or rejected).
 */
import { type FormEvent, Suspense, lazy, useState } from "react";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { AiProposal, AiQueryResult } from "../api/types";
import { FIELDS_BY_NAME } from "../domain/fields";
import { fmtCount, fmtMoney, fmtSigned, fmtValue } from "../format";
import type { OrgStore } from "../state/orgStore";
import { BulkChangeDialog } from "../components/BulkChangeDialog";
import { type ProposalForm, formFromProposal } from "../grid/proposalForm";
import { EditRefused } from "../state/sandbox";
import { chartOf, recordsLabel } from "./aiAnswer";

// The charts library is fetched only when an answer has a chart.
const AiAnswerChart = lazy(() => import("./AiAnswerChart"));

const EXAMPLES = [
  "How many records per category?",
  "Total forecast cost by source",
  "Top 10 rentals by forecast cost",
  "How many records did I change?",
];

interface PanelProps {
  store: OrgStore;
  onNotice: (msg: string | null) => void;
  /** Open the grid filtered to exactly these records (an answer's). */
  onShowRecords?: (ids: string[]) => void;
}

export function AiPanel({ store, onNotice, onShowRecords }: PanelProps) {
  return (
    <div className="ai-panel">
      <AskQuestion store={store} onShowRecords={onShowRecords} />
      {store.canEdit && <ProposeChanges store={store} onNotice={onNotice} />}
    </div>
  );
}

function AskQuestion({ store, onShowRecords }: { store: OrgStore; onShowRecords?: (ids: string[]) => void }) {
  const [question, setQuestion] = useState("");
  const [answer, setAnswer] = useState<AiQueryResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const ask = async (e?: FormEvent, q = question) => {
    e?.preventDefault();
    if (!q.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setAnswer(await api.aiQuery(store.code, q));
    } catch (err) {
      setAnswer(null);
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="ai-ask-title">
      <h2 id="ai-ask-title">Ask about your records</h2>
      <form onSubmit={ask} className="ai-form">
        <label htmlFor="ai-question">Question</label>
        <textarea
          id="ai-question"
          rows={2}
          value={question}
          placeholder="e.g. total forecast cost of cranes in Area 4"
          onChange={(e) => setQuestion(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              void ask();
            }
          }}
        />
        <div className="button-row">
          <button type="submit" className="primary" disabled={busy || !question.trim()}>
            {busy ? "Asking…" : "Ask"}
          </button>
          {EXAMPLES.map((x) => (
            <button
              type="button"
              key={x}
              className="chip"
              onClick={() => {
                setQuestion(x);
                void ask(undefined, x);
              }}
            >
              {x}
            </button>
          ))}
        </div>
      </form>
      {error && (
        <p role="alert" className="error-text" data-testid="ai-error">
          {error}
        </p>
      )}
      {answer && (
        <div className="ai-answer" data-testid="ai-answer">
          <p className="muted">
            {fmtCount(answer.rowCount)} row{answer.rowCount === 1 ? "" : "s"}
            {answer.truncated ? " (truncated)" : ""} · {answer.durationMs.toFixed(0)} ms · {answer.provider}
          </p>
          {answer.explanation && (
            <p className="ai-explanation" data-testid="ai-explanation">
              {answer.explanation}
            </p>
          )}
          {(answer.warnings ?? []).map((w) => (
            <p key={w} role="status" className="ai-warning" data-testid="ai-warning">
              {w}
            </p>
          ))}
          <AnswerRecords answer={answer} onShowRecords={onShowRecords} />
          <div className="table-scroll">
            <table className="compact" data-testid="ai-table">
              <caption className="sr-only">Answer</caption>
              <thead>
                <tr>
                  {answer.columns.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {answer.rows.slice(0, 500).map((row, i) => (
                  <tr key={i}>
                    {row.map((v, j) => (
                      <td key={j} className={typeof v === "number" ? "num" : undefined}>
                        {fmtValue(v)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <AnswerChart answer={answer} />
          <details open>
            <summary>SQL</summary>
            <pre className="sql" data-testid="ai-sql">
              <code>{answer.sql}</code>
            </pre>
          </details>
        </div>
      )}
    </section>
  );
}

/** "Show these records in the grid" when the answer is over a set of records; else why not. */
function AnswerRecords({
  answer,
  onShowRecords,
}: {
  answer: AiQueryResult;
  onShowRecords?: (ids: string[]) => void;
}) {
  const ids = answer.recordIds ?? null;
  if (ids === null || ids.length === 0 || !onShowRecords) {
    return answer.recordsNote ? (
      <p className="muted" data-testid="ai-records-note">
        {answer.recordsNote}
      </p>
    ) : null;
  }
  return (
    <div className="ai-records">
      <button type="button" onClick={() => onShowRecords(ids)} data-testid="ai-show-records">
        Show {answer.recordIdsMore ? "the first " : "these "}
        {recordsLabel(ids.length)} in the grid
      </button>
      {answer.recordsNote && (
        <span className="muted" data-testid="ai-records-note">
          {" "}
          {answer.recordsNote}
        </span>
      )}
    </div>
  );
}

/** A bar chart under a grouped answer (the table above stays: it holds the figures). */
function AnswerChart({ answer }: { answer: AiQueryResult }) {
  const chart = chartOf(answer.columns, answer.rows);
  if (!chart) return null;
  return (
    <Suspense fallback={<p aria-busy="true">Loading the chart…</p>}>
      <AiAnswerChart chart={chart} />
    </Suspense>
  );
}

function ProposeChanges({ store, onNotice }: { store: OrgStore; onNotice: (msg: string | null) => void }) {
  const [instruction, setInstruction] = useState("");
  const [proposal, setProposal] = useState<AiProposal | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The Global Change form open on the proposal (or, after a refusal, empty to fill in).
  const [form, setForm] = useState<ProposalForm | null>(null);
  const allIds = () => store.rows.map((r) => r.id);

  const propose = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const p = await api.aiDraft(store.code, instruction);
      setProposal(p);
      setSelected(new Set(p.changes.map((c) => c.recordId)));
    } catch (err) {
      setProposal(null);
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const apply = () => {
    if (!proposal) return;
    const chosen = proposal.changes.filter((c) => selected.has(c.recordId));
    try {
      store.sandbox.edit(`AI: ${proposal.summary || instruction}`, chosen);
      onNotice(
        `Applied ${chosen.length} proposed change${chosen.length === 1 ? "" : "s"} as drafts (Ctrl+Z undoes them).`,
      );
      setProposal(null);
    } catch (err) {
      setError(err instanceof EditRefused ? err.message : describeError(err));
    }
  };

  return (
    <section className="panel" aria-labelledby="ai-draft-title">
      <h2 id="ai-draft-title">Ask for a change</h2>
      <form onSubmit={propose} className="ai-form">
        <label htmlFor="ai-instruction">Instruction</label>
        <textarea
          id="ai-instruction"
          rows={2}
          value={instruction}
          placeholder="e.g. push the forecast of all cranes in Area 2 back by 2 weeks"
          onChange={(e) => setInstruction(e.target.value)}
        />
        <div className="button-row">
          <button type="submit" className="primary" disabled={busy || !instruction.trim()}>
            {busy ? "Thinking…" : "Propose drafts"}
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" className="error-text">
          {error}{" "}
          {store.canEdit && (
            <button
              type="button"
              onClick={() => setForm({ ids: [], where: [], assign: [] })}
              data-testid="ai-fill-global"
            >
              Fill in a Global Change instead…
            </button>
          )}
        </p>
      )}
      {form && (
        <BulkChangeDialog
          store={store}
          selectedIds={form.ids}
          filteredIds={allIds()}
          filtersActive={false}
          initial={{
            where: form.where,
            assign: form.assign,
            scope: form.ids.length > 0 ? "selection" : "filtered",
          }}
          onClose={() => setForm(null)}
          onApplied={(msg) => {
            setForm(null);
            setProposal(null);
            onNotice(msg);
          }}
        />
      )}
      {proposal && (
        <div className="ai-proposal" data-testid="ai-proposal">
          <p>
            <strong>{proposal.summary}</strong> — {proposal.changes.length} record
            {proposal.changes.length === 1 ? "" : "s"}. Nothing is saved until you apply.
          </p>
          <p data-testid="ai-cost-impact">
            Forecast cost {fmtMoney(proposal.costImpact.forecastCostBefore)} →{" "}
            {fmtMoney(proposal.costImpact.forecastCostAfter)}{" "}
            <span className={proposal.costImpact.forecastCostDelta > 0 ? "over" : "under"}>
              ({fmtSigned(proposal.costImpact.forecastCostDelta)})
            </span>
            {proposal.skipped.length > 0 && (
              <span className="muted">
                {" "}
                · {proposal.skipped.length} record(s) skipped: the change is not valid for them
              </span>
            )}
          </p>
          <div className="table-scroll">
            <table className="compact">
              <thead>
                <tr>
                  <th scope="col">Apply</th>
                  <th scope="col">Record</th>
                  <th scope="col">Changes (now → proposed)</th>
                </tr>
              </thead>
              <tbody>
                {proposal.changes.map((c) => {
                  const now = store.view(c.recordId);
                  return (
                    <tr key={c.recordId}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Apply to ${c.recordId}`}
                          checked={selected.has(c.recordId)}
                          onChange={(e) => {
                            const next = new Set(selected);
                            if (e.target.checked) next.add(c.recordId);
                            else next.delete(c.recordId);
                            setSelected(next);
                          }}
                        />
                      </td>
                      <th scope="row">{String(now?.pfaId ?? c.recordId)}</th>
                      <td>
                        {Object.entries(c.changes).map(([f, v]) => (
                          <div key={f}>
                            {FIELDS_BY_NAME.get(f)?.label ?? f}: {fmtValue(now?.[f]) || "—"} →{" "}
                            <strong>{fmtValue(v) || "—"}</strong>
                          </div>
                        ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <details>
            <summary>SQL that selected the records</summary>
            <pre className="sql">
              <code>{proposal.sql}</code>
            </pre>
          </details>
          <div className="button-row">
            <button className="primary" onClick={apply} disabled={selected.size === 0} data-testid="ai-apply">
              Apply {selected.size} as drafts
            </button>
            <button
              onClick={() => setForm(formFromProposal(proposal, (id) => store.view(id), selected))}
              disabled={selected.size === 0}
              data-testid="ai-to-global"
              title="The same change as a Global Change form: conditions and expressions to review, change and apply"
            >
              Edit as Global Change…
            </button>
            <button onClick={() => setProposal(null)}>Reject</button>
          </div>
        </div>
      )}
    </section>
  );
}
