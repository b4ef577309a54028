#include "negsim/model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "negsim/mechanism.hpp"
#include "negsim/mechanisms/standard.hpp"

namespace negsim::model {
namespace {

/// Per-run state of all mechanisms together, on the stack of play().
constexpr std::size_t kStateBytes = 4096;

template <class T>
std::size_t index_named(const std::vector<T>& table, std::string_view name, const char* what,
                        std::string_view (*key)(const T&)) {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (key(table[i]) == name) return i;
  }
  throw std::out_of_range(std::string("no ") + what + " named \"" + std::string(name) + "\"");
}

}  // namespace

const char* to_string(Outcome o) { return kOutcomeNames[static_cast<std::size_t>(o)]; }

Cause Catalog::cause(std::string_view name) const {
  return static_cast<Cause>(index_named<std::string>(
      causes, name, "cause", [](const std::string& s) { return std::string_view(s); }));
}

EventKind Catalog::event(std::string_view name) const {
  return static_cast<EventKind>(index_named<EventInfo>(
      events, name, "event kind", [](const EventInfo& e) { return std::string_view(e.name); }));
}

std::size_t Catalog::field(std::string_view name) const {
  return index_named<FieldInfo>(fields, name, "trace field",
                                [](const FieldInfo& f) { return std::string_view(f.name); });
}

double traced(const RoundTrace& round, std::size_t field, int agent, int issue) {
  for (const TraceEntry& e : round.entries) {
    if (!e.is_event && e.id == field && e.agent == agent && e.issue == issue) return e.value;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// ---------------------------------------------------------------------------
// Setup: what the mechanisms declare.

ParamId Setup::param(int agent, std::string name, const Param& source, int issue, bool whole) {
  Catalog& c = negotiation_.catalog_;
  if (c.params.size() >= kNoParam) throw std::length_error("too many parameters in one scenario");
  ParamInfo info{std::move(name), agent, issue, whole, source, 0};
  c.params.push_back(std::move(info));
  const std::size_t p = c.params.size() - 1;
  // Each parameter's uniform comes from the stream of its full name, so a
  // parameter's draw never depends on which others exist. Two names that
  // hash alike are parted deterministically (by rehashing with a suffix).
  const std::string full = negotiation_.param_name(p);
  std::uint32_t sub = substream_of(full);
  for (int salt = 1;; ++salt) {
    bool taken = false;
    for (std::size_t q = 0; q < p; ++q) taken |= c.params[q].substream == sub;
    if (!taken) break;
    sub = substream_of(full + "#" + std::to_string(salt));
  }
  c.params[p].substream = sub;
  return static_cast<ParamId>(p);
}

EventKind Setup::event(std::string name, std::string text, Cause ends) {
  Catalog& c = negotiation_.catalog_;
  if (c.events.size() >= kMaxEventKinds) throw std::length_error("too many event kinds");
  for (const EventInfo& e : c.events) {
    if (e.name == name) throw std::logic_error("event kind \"" + name + "\" declared twice");
  }
  c.events.push_back(EventInfo{std::move(name), std::move(text), ends});
  return static_cast<EventKind>(c.events.size() - 1);
}

Cause Setup::cause(std::string name) {
  Catalog& c = negotiation_.catalog_;
  if (c.causes.size() >= kMaxCauses) throw std::length_error("too many breakdown causes");
  for (const std::string& existing : c.causes) {
    if (existing == name) throw std::logic_error("cause \"" + name + "\" declared twice");
  }
  c.causes.push_back(std::move(name));
  return static_cast<Cause>(c.causes.size() - 1);
}

StreamId Setup::stream(Purpose purpose) {
  auto& keys = negotiation_.stream_keys_;
  if (keys.size() >= RunStreams::kMaxStreams) throw std::length_error("too many random streams");
  const std::uint32_t substream = purpose == Purpose::mechanism
                                      ? substream_of(negotiation_.catalog_.mechanisms[mechanism_])
                                      : 0;
  for (const auto& k : keys) {
    if (k.purpose == purpose && k.substream == substream) {
      throw std::logic_error(std::string("two mechanisms share a random stream (") +
                             negotiation_.catalog_.mechanisms[mechanism_] + ")");
    }
  }
  keys.push_back({purpose, substream});
  return static_cast<StreamId>(keys.size() - 1);
}

StreamId Setup::stream() { return stream(Purpose::mechanism); }

FieldId Setup::field(std::string name, std::string label, FieldKind kind, int decimals,
                     std::string unlisted) {
  Catalog& c = negotiation_.catalog_;
  c.fields.push_back(FieldInfo{std::move(name), std::move(label), kind, decimals, mechanism_,
                               std::move(unlisted)});
  return static_cast<FieldId>(c.fields.size() - 1);
}

std::size_t Setup::reserve(std::size_t bytes, std::size_t align) {
  std::size_t& used = negotiation_.state_bytes_;
  used = (used + align - 1) / align * align;
  const std::size_t offset = used;
  used += bytes;
  if (used > kStateBytes) {
    throw std::length_error("the mechanisms' per-run state exceeds " + std::to_string(kStateBytes) +
                            " bytes");
  }
  return offset;
}

// ---------------------------------------------------------------------------
// Run: what the mechanisms do in a run.

void average_trust(Talks& t, const std::vector<std::size_t>& principals) {
  if (principals.size() < 2) return;
  for (std::size_t i : principals) {
    double sum = 0;
    for (std::size_t j : principals) sum += j == i ? 0 : t.trust_in[i][j];
    t.trust[i] = sum / static_cast<double>(principals.size() - 1);
  }
}

void shock_trust(Talks& t, const std::vector<std::size_t>& principals, int culprit, double shock) {
  for (std::size_t i : principals) {
    if (culprit >= 0) {
      if (i != static_cast<std::size_t>(culprit)) t.trust_in[i][culprit] *= 1 - shock;
      continue;
    }
    for (std::size_t j : principals) {
      if (j != i) t.trust_in[i][j] *= 1 - shock;
    }
  }
  if (principals.size() < 2) {
    for (std::size_t i : principals) t.trust[i] *= culprit < 0 ? 1 - shock : 1;
  }
  average_trust(t, principals);
}

void Run::record(EventKind kind, int agent) {
  const Event e{talks.round, kind, agent};
  ++result_.event_counts[kind];
  bool seen = false;
  for (std::size_t i = 0; i < result_.n_events && !seen; ++i) {
    seen = result_.events[i].kind == kind && result_.events[i].agent == agent;
  }
  if (!seen && result_.n_events < RunResult::kMaxEvents) result_.events[result_.n_events++] = e;
  if (trace_ && !trace_->rounds.empty()) {
    trace_->rounds.back().entries.push_back(TraceEntry{true, kind, agent, -1, 0});
  }
}

void Run::end(Outcome outcome, Cause cause, int agent, const IssueVec* terms) {
  ended_ = true;
  result_.outcome = outcome;
  result_.cause = cause;
  result_.agent = agent;
  result_.round = talks.round;
  result_.phased = terms != nullptr && talks.phased;
  if (terms) result_.terms = *terms;  // normalised here; play() converts them
}

void Run::write_trace(FieldId field, int agent, double value) {
  if (trace_->rounds.empty()) return;
  trace_->rounds.back().entries.push_back(TraceEntry{false, field, agent, -1, value});
}

void Run::trace_issues(FieldId field, int agent, const IssueVec& values, const IssueMask* only) {
  if (!trace_ || trace_->rounds.empty()) return;
  for (std::size_t k = 0; k < talks.n_issues; ++k) {
    if (only && !(*only)[k]) continue;
    trace_->rounds.back().entries.push_back(
        TraceEntry{false, field, agent, static_cast<int>(k), negotiation_.to_real(k, values[k])});
  }
}

void Run::trace_issue_flags(FieldId field, int agent, const IssueMask& flags) {
  if (!trace_ || trace_->rounds.empty()) return;
  for (std::size_t k = 0; k < talks.n_issues; ++k) {
    trace_->rounds.back().entries.push_back(
        TraceEntry{false, field, agent, static_cast<int>(k), flags[k] ? 1.0 : 0.0});
  }
}

// ---------------------------------------------------------------------------
// Negotiation.

RunStreams::RunStreams(const Negotiation& negotiation, std::uint64_t seed, std::uint64_t point,
                       std::uint64_t run) {
  for (std::size_t s = 0; s < negotiation.stream_keys_.size(); ++s) {
    const auto& key = negotiation.stream_keys_[s];
    streams[s] = Rng(seed, point, run, key.purpose, key.substream);
  }
}

Negotiation::Negotiation(const Scenario& scenario) : Negotiation(scenario, standard_mechanisms()) {}

Negotiation::Negotiation(const Scenario& scenario,
                         std::vector<std::unique_ptr<Mechanism>> mechanisms)
    : scenario_(scenario), mechanisms_(std::move(mechanisms)) {
  for (std::size_t k = 0; k < scenario_.issues.size(); ++k) {
    status_quo_[k] = to_unit(k, scenario_.issues[k].status_quo);
  }
  for (std::size_t a = 0; a < scenario_.agents.size(); ++a) {
    switch (scenario_.agents[a].role) {
      case Role::principal:
        principals_.push_back(a);
        break;
      case Role::spoiler:
        spoilers_.push_back(a);
        break;
      case Role::enforcer:
        enforcers_.push_back(a);
        break;
      case Role::mediator:
        mediators_.push_back(a);
        break;
    }
  }
  catalog_.causes.push_back("none");
  for (std::size_t m = 0; m < mechanisms_.size(); ++m) {
    const std::string name = mechanisms_[m]->name();
    if (std::find(catalog_.mechanisms.begin(), catalog_.mechanisms.end(), name) !=
        catalog_.mechanisms.end()) {
      throw std::logic_error("mechanism \"" + name + "\" listed twice");
    }
    catalog_.mechanisms.push_back(name);
  }
  for (std::size_t m = 0; m < mechanisms_.size(); ++m) {
    Setup setup(*this, m);
    mechanisms_[m]->declare(setup);
  }
}

Negotiation::~Negotiation() = default;

std::string Negotiation::param_name(std::size_t p) const {
  const ParamInfo& info = catalog_.params[p];
  if (info.agent < 0) return info.name;
  return scenario_.agents[static_cast<std::size_t>(info.agent)].name + "." + info.name;
}

std::size_t Negotiation::param(std::string_view full_name) const {
  for (std::size_t p = 0; p < catalog_.params.size(); ++p) {
    if (param_name(p) == full_name) return p;
  }
  throw std::out_of_range("no parameter named \"" + std::string(full_name) + "\"");
}

double Negotiation::shown(std::size_t p, double value) const {
  const int k = catalog_.params[p].issue;
  return k >= 0 ? to_real(static_cast<std::size_t>(k), value) : value;
}

std::string Negotiation::describe(const Event& e) const {
  std::string text = catalog_.events[e.kind].text;
  const std::string who =
      e.agent >= 0 ? scenario_.agents[static_cast<std::size_t>(e.agent)].name : std::string();
  for (std::size_t at; (at = text.find("{agent}")) != std::string::npos;) {
    text.replace(at, 7, who);
  }
  return text;
}

double Negotiation::to_real(std::size_t k, double x) const {
  const Issue& issue = scenario_.issues[k];
  return issue.min + x * (issue.max - issue.min);
}

double Negotiation::to_unit(std::size_t k, double value) const {
  const Issue& issue = scenario_.issues[k];
  return (value - issue.min) / (issue.max - issue.min);
}

void Negotiation::draw(std::uint64_t seed, std::uint64_t point, std::uint64_t run,
                       Draw& out) const {
  out.values.resize(catalog_.params.size());
  for (std::size_t p = 0; p < catalog_.params.size(); ++p) {
    const ParamInfo& info = catalog_.params[p];
    double x = info.source.is_constant()
                   ? info.source.value()
                   : quantile(info.source,
                              Rng(seed, point, run, Purpose::params, info.substream).uniform());
    if (info.whole) x = static_cast<double>(std::lround(x));
    if (info.issue >= 0) x = to_unit(static_cast<std::size_t>(info.issue), x);
    out.values[p] = x;
  }
}

void Negotiation::opening(const Draw& draw, RunStreams& streams, Talks& out) const {
  RunResult result;
  out = Talks{};
  out.n_issues = scenario_.issues.size();
  out.n_agents = scenario_.agents.size();
  alignas(std::max_align_t) std::array<std::byte, kStateBytes> state;
  Run run(*this, draw, streams, out, result, nullptr, state.data());
  for (const auto& m : mechanisms_) m->start(run);
}

RunResult Negotiation::play(const Draw& draw, RunStreams& streams, Trace* trace) const {
  const std::size_t n = scenario_.issues.size();
  const std::size_t n_agents = scenario_.agents.size();
  RunResult result;
  Talks talks;
  talks.n_issues = n;
  talks.n_agents = n_agents;
  alignas(std::max_align_t) std::array<std::byte, kStateBytes> state;
  Run run(*this, draw, streams, talks, result, trace, state.data());
  for (const auto& m : mechanisms_) m->start(run);

  const int horizon = scenario_.rounds.horizon;
  for (int t = 1; t <= horizon && !run.ended(); ++t) {
    talks.round = t;
    if (trace) {
      trace->rounds.emplace_back();
      trace->rounds.back().round = t;
    }
    for (const auto& m : mechanisms_) {
      m->step(run);
      if (run.ended()) break;
    }
    if (trace && !run.ended()) trace->rounds.back().decision = "talks continue";
  }
  if (!run.ended()) {
    talks.round = horizon;
    if (talks.interim_round > 0) {
      // An interim deal that held to the horizon; its round is the one it
      // took effect.
      run.end(Outcome::interim_deal, kNoCause, -1, &talks.interim_terms);
      result.round = talks.interim_round;
      result.phased = talks.interim_phased;
    } else {
      run.end(Outcome::no_agreement, kNoCause, -1);
    }
  }
  result.interim_round = talks.interim_round;

  // Each agent's utility of the outcome (docs/MODEL.md §9).
  const bool deal = result.outcome == Outcome::full_deal || result.outcome == Outcome::interim_deal;
  const IssueVec terms = result.terms;  // normalised
  for (std::size_t a = 0; a < n_agents; ++a) {
    const Role role = scenario_.agents[a].role;
    if (role == Role::mediator) continue;
    if (deal) {
      result.utility[a] = utility(talks.own(a), terms, n);
    } else if (role == Role::principal) {
      result.utility[a] = talks.reservation[a];
    } else {
      result.utility[a] = utility(talks.own(a), status_quo_, n);
    }
  }
  // Who blocked the deal: the principals that did not accept the text more
  // of them accepted in the last round (the full text on a tie).
  if (!deal) {
    int full = 0, interim = 0;
    for (std::size_t i : principals_) {
      full += talks.accepts_full[i];
      interim += talks.has_interim && talks.accepts_interim[i];
    }
    result.judged_interim = talks.has_interim && interim > full;
    for (std::size_t i : principals_) {
      const bool accepts = result.judged_interim ? talks.accepts_interim[i] : talks.accepts_full[i];
      if (accepts) continue;
      result.holdouts |= 1u << i;
      result.holdout_issues[i] =
          result.judged_interim ? talks.breaches_interim[i] : talks.breaches_full[i];
      const double value = result.judged_interim ? talks.value_interim[i] : talks.value_full[i];
      result.holdout_gap[i] = std::max(0.0, talks.aspiration[i] - value);
    }
  }
  // Only a deal passes terms to Run::end, so the others' stay zero.
  if (deal) {
    for (std::size_t k = 0; k < n; ++k) result.terms[k] = to_real(k, terms[k]);
  }
  if (trace && !trace->rounds.empty()) {
    std::string& d = trace->rounds.back().decision;
    d = to_string(result.outcome);
    if (result.outcome == Outcome::breakdown)
      d += std::string(" (") + cause_name(result.cause) + ")";
    if (result.phased) d += " with phased relief";
  }
  return result;
}

RunResult Negotiation::run(std::uint64_t seed, std::uint64_t point, std::uint64_t run_index,
                           Trace* trace) const {
  Draw d;
  draw(seed, point, run_index, d);
  RunStreams streams(*this, seed, point, run_index);
  return play(d, streams, trace);
}

}  // namespace negsim::model
