// What a mechanism is, and what it may see (docs/ARCHITECTURE.md, "Adding
// a mechanism").
//
// A mechanism (concession, lobbying, strikes, snapback, ratification, ...)
// is one class in one file pair. It
//   - declares, once per scenario (declare): the parameters it draws, by
//     name, from the scenario's distributions; the random stream it uses;
//     its event kinds and breakdown causes; the fields it writes into a
//     round's trace; and the per-run state it keeps;
//   - sets up its part of a run (start), after the draw;
//   - takes its step in each round (step), reading and changing the shared
//     state of the talks (Talks), recording events, ending the run when its
//     event ends the talks.
// The list of mechanisms, in round order, is one function
// (mechanisms/standard.hpp). Adding a mechanism never moves another's
// numbers: its parameters and its stream are keyed by their names.
#pragma once

#include <cstddef>
#include <new>
#include <string>
#include <type_traits>

#include "negsim/model.hpp"

namespace negsim::model {

/// The state of the talks in one run, shared by the mechanisms: each reads
/// what the earlier steps of the round left and changes what it models.
/// Everything is in normalised issue units, in fixed-size arrays (no heap).
struct Talks {
  int round = 0;  ///< 1, 2, ... horizon
  std::size_t n_issues = 0, n_agents = 0;

  // Agents (all roles; a field means nothing for a role that lacks it).
  std::array<IssueVec, kMaxAgents> base{};      ///< own positions (after leadership changes)
  std::array<IssueVec, kMaxAgents> position{};  ///< after lobbying
  std::array<IssueVec, kMaxAgents> salience{};  ///< normalised to sum 1
  std::array<IssueVec, kMaxAgents> red_lo{}, red_hi{};
  std::array<double, kMaxAgents> capability{}, risk{}, aspiration{}, reservation{}, pressure{};
  /// trust_in[i][j]: principal i's belief that principal j will comply
  /// (docs/MODEL.md §4.4). trust[i] is i's mean trust in the other
  /// principals, what perceived value and the pace of concession read;
  /// average_trust() keeps it, and every change of trust_in goes through
  /// a function below that calls it.
  std::array<std::array<double, kMaxAgents>, kMaxAgents> trust_in{};
  std::array<double, kMaxAgents> trust{};
  /// This round's concession by each principal: the share of its gap it
  /// gave up (set by the concession step, read by reciprocity).
  std::array<double, kMaxAgents> conceded{};
  /// Each principal's own deadline (a round; 0: none), set by the
  /// concession mechanism at the start.
  std::array<int, kMaxAgents> deadline{};
  /// What the mediators add to a deal (docs/MODEL.md §3.9), set by the
  /// acceptance mechanism at the start: the share of each principal's
  /// distrust their guarantees leave, and per principal the leverage added
  /// to its value of any text.
  double distrust_left = 1;
  std::array<double, kMaxAgents> leverage{};

  // The texts of this round and how the principals see them.
  TextSpace full, interim;  ///< the boxes cut by the principals' red lines (and caps)
  bool has_interim = false;
  IssueVec full_text{}, interim_text{};
  std::array<bool, kMaxAgents> accepts_full{}, accepts_interim{};
  /// Per principal, the issues where each text crosses its red lines (bit k).
  std::array<std::uint16_t, kMaxAgents> breaches_full{}, breaches_interim{};
  std::array<double, kMaxAgents> value_full{}, value_interim{};
  bool all_full = false, all_interim = false;  ///< every principal accepts
  double progress = 0;  ///< mean closeness of the better text to the aspirations, in [0, 1]
  bool phased = false;  ///< caps imposed by a failed ratification bind the texts

  /// An interim deal in force (a stepping stone, docs/MODEL.md §6.7): the
  /// round it took effect (0: none) and its terms. While it holds there is
  /// no interim text, no walk-out, no ultimatum and no snapback; talks on a
  /// full deal go on.
  int interim_round = 0;
  IssueVec interim_terms{};
  bool interim_phased = false;             ///< the interim deal was reached with relief phased
  std::array<int, kMaxAgents> breaches{};  ///< per principal: breaches of the interim deal

  /// The trust principal i's perceived value uses: its own, with the
  /// mediators' guarantees (docs/MODEL.md §3.9).
  double guaranteed_trust(std::size_t i) const {
    return distrust_left == 1 ? trust[i] : 1 - (1 - trust[i]) * distrust_left;
  }
  /// What principal i weighs a text by when it decides: its perceived value
  /// with the guarantees, plus the leverage (docs/MODEL.md §2, §3.9, §4.1).
  /// The mediator, which knows what it guarantees and brings, reads
  /// acceptance by the same value.
  double deal_value(std::size_t i, const IssueVec& x, const IssueVec& status_quo) const {
    return perceived_value(prefs(i), guaranteed_trust(i), x, status_quo, n_issues) + leverage[i];
  }

  /// An agent's preferences as they stand in the talks (after lobbying).
  Preferences prefs(std::size_t a) const { return {&position[a], &salience[a], risk[a]}; }
  /// Its own preferences (what its utility of an outcome is measured by).
  Preferences own(std::size_t a) const { return {&base[a], &salience[a], risk[a]}; }
};

/// Sets each principal's trust to its mean trust in the other principals
/// (left as it is when there is no other principal).
void average_trust(Talks& t, const std::vector<std::size_t>& principals);

/// A shock to trust: every principal's trust in `culprit` (a principal)
/// falls by the share `shock`; with culprit -1 (a spoiler's strike) every
/// principal's trust in every other does.
void shock_trust(Talks& t, const std::vector<std::size_t>& principals, int culprit, double shock);

/// Handles a mechanism gets from Setup and uses in its steps.
using ParamId = std::uint16_t;
inline constexpr ParamId kNoParam = 0xffff;
using StreamId = std::uint8_t;
using FieldId = std::uint16_t;

/// One run in progress, as the mechanisms see it.
class Run {
 public:
  Talks& talks;

  Run(const Negotiation& negotiation, const Draw& draw, RunStreams& streams, Talks& state_of_talks,
      RunResult& result, Trace* trace, std::byte* state)
      : talks(state_of_talks),
        negotiation_(negotiation),
        draw_(draw),
        streams_(streams),
        result_(result),
        trace_(trace),
        state_(state) {}

  const Negotiation& negotiation() const { return negotiation_; }
  const Scenario& scenario() const { return negotiation_.scenario(); }

  /// The drawn value of a parameter (normalised if it has an issue).
  double param(ParamId p) const { return draw_.values[p]; }
  /// A parameter that may be absent (kNoParam), with its value when absent.
  double param_or(ParamId p, double absent) const { return p == kNoParam ? absent : param(p); }
  Rng& stream(StreamId s) { return streams_.streams[s]; }

  /// Counts the event, keeps it in the result and writes it into the trace.
  void record(EventKind kind, int agent);
  /// Ends the run in this round: the later steps do not run. `terms` are a
  /// deal's (normalised); null for no deal.
  void end(Outcome outcome, Cause cause, int agent, const IssueVec* terms = nullptr);
  bool ended() const { return ended_; }
  bool tracing() const { return trace_ != nullptr; }
  /// Writes a field into this round's trace (nothing when not tracing: the
  /// check is inline, so untraced runs pay no call in their steps).
  void trace(FieldId field, int agent, double value) {
    if (trace_) write_trace(field, agent, value);
  }
  /// Writes an issue field (normalised values; shown in real units). With a
  /// mask, only the issues it marks.
  void trace_issues(FieldId field, int agent, const IssueVec& values,
                    const IssueMask* only = nullptr);
  void trace_issue_flags(FieldId field, int agent, const IssueMask& flags);

  /// The mechanism's own per-run state, at the offset Setup gave it.
  template <class State>
  State& state(std::size_t offset) {
    return *std::launder(reinterpret_cast<State*>(state_ + offset));
  }

 private:
  friend class Negotiation;
  void write_trace(FieldId field, int agent, double value);
  const Negotiation& negotiation_;
  const Draw& draw_;
  RunStreams& streams_;
  RunResult& result_;
  Trace* trace_;
  std::byte* state_;
  bool ended_ = false;
};

/// What a mechanism declares when a Negotiation is built.
class Setup {
 public:
  Setup(Negotiation& negotiation, std::size_t mechanism)
      : negotiation_(negotiation), mechanism_(mechanism) {}

  const Scenario& scenario() const { return negotiation_.scenario_; }
  const Negotiation& negotiation() const { return negotiation_; }

  /// A parameter drawn once per run from `source`, named `name` within its
  /// owner (agent index, or -1 for the talks): "strike.base" of israel is
  /// "israel.strike.base" in runs.csv and the traces. Its uniform comes from
  /// a stream keyed by that full name. `issue` >= 0: a value in that
  /// issue's units, stored normalised; `whole`: rounded to a whole number.
  ParamId param(int agent, std::string name, const Param& source, int issue = -1,
                bool whole = false);
  /// An event kind ("strike", "{agent} strikes"); `ends`: the cause of the
  /// breakdown when it ends the talks.
  EventKind event(std::string name, std::string text, Cause ends = kNoCause);
  Cause cause(std::string name);
  /// The mechanism's random stream. The standard mechanisms keep the
  /// purposes of rng.hpp; a new one gets Purpose::mechanism keyed by its name.
  StreamId stream(Purpose purpose);
  StreamId stream();
  FieldId field(std::string name, std::string label, FieldKind kind = FieldKind::number,
                int decimals = 3, std::string unlisted = {});
  /// Reserves per-run state of type State (trivially copyable: it lives in
  /// a buffer of the run, set up in start()). Returns its offset.
  template <class State>
  std::size_t state() {
    static_assert(std::is_trivially_copyable_v<State> && std::is_trivially_destructible_v<State>,
                  "per-run state lives in a plain buffer");
    return reserve(sizeof(State), alignof(State));
  }

 private:
  std::size_t reserve(std::size_t bytes, std::size_t align);
  Negotiation& negotiation_;
  std::size_t mechanism_;
};

/// A mechanism of the model.
class Mechanism {
 public:
  virtual ~Mechanism() = default;
  /// Its name: it names its stream and, in docs/MODEL.md, its section.
  virtual const char* name() const = 0;
  /// Declares its parameters, stream, events, causes, fields and state.
  virtual void declare(Setup& setup) = 0;
  /// Sets up its part of a run, after the draw (mechanisms start in order).
  virtual void start(Run&) const {}
  /// Its step in a round (the round is run.talks.round).
  virtual void step(Run&) const {}
};

}  // namespace negsim::model
