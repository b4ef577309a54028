// One negotiation, end to end (docs/MODEL.md, docs/ARCHITECTURE.md).
//
// A Negotiation is built once per scenario from a list of mechanisms
// (mechanism.hpp; the standard list, in round order, is in
// mechanisms/standard.hpp). Building it asks each mechanism what it draws,
// which streams, events, causes and trace fields it has and how much per-run
// state it keeps; the answers form the Catalog. Each run then draws its
// parameters by name (Draw) and plays the rounds: every mechanism steps in
// turn until one ends the talks or the horizon is reached.
//
// A run is a pure function of (scenario, seed, design point, run index):
// every random number comes from a Philox stream keyed by those and by the
// name of what it is for (rng.hpp), so adding a parameter or a mechanism
// never shifts another's numbers.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "negsim/model_text.hpp"
#include "negsim/rng.hpp"
#include "negsim/scenario.hpp"

namespace negsim::model {

class Mechanism;
struct Talks;

// ---------------------------------------------------------------------------
// Outcomes, causes, events: one table each.

enum class Outcome : std::uint8_t { full_deal, interim_deal, breakdown, no_agreement };
/// The outcome names, in the order of Outcome (the table every output uses).
inline constexpr std::array<const char*, 4> kOutcomeNames{"full_deal", "interim_deal", "breakdown",
                                                          "no_agreement"};
inline constexpr std::size_t kOutcomes = kOutcomeNames.size();
inline constexpr std::array<Outcome, kOutcomes> kAllOutcomes{
    Outcome::full_deal, Outcome::interim_deal, Outcome::breakdown, Outcome::no_agreement};
const char* to_string(Outcome o);

/// A breakdown cause and an event kind are indices into the Catalog's
/// tables, which the mechanisms fill when a Negotiation is built. Cause 0 is
/// "none" (no breakdown).
using Cause = std::uint8_t;
using EventKind = std::uint8_t;
inline constexpr Cause kNoCause = 0;
/// Bounds of the tables (fixed, so a run's counts live on the stack).
inline constexpr std::size_t kMaxCauses = 16;
inline constexpr std::size_t kMaxEventKinds = 32;

struct Event {
  int round = 0;
  EventKind kind = 0;
  int agent = -1;  ///< who (the striker, the unrest-hit principal, ...)
  bool operator==(const Event&) const = default;
};

// ---------------------------------------------------------------------------
// What a Negotiation knows about its mechanisms.

/// One drawn parameter: a named slot of the Draw.
struct ParamInfo {
  std::string name;  ///< within its owner: "strike.base", "ideal.enrichment", "protocol.text_noise"
  int agent = -1;    ///< the owning agent, or -1 for a parameter of the talks
  int issue = -1;    ///< the issue whose units it is in (stored normalised), or -1
  bool whole = false;           ///< rounded to the nearest whole number (deadlines, patience)
  Param source;                 ///< the distribution it is drawn from (a copy: a mechanism
                                ///< may pass a default it made itself)
  std::uint32_t substream = 0;  ///< of Purpose::params, from the full name
};

/// One kind of event.
struct EventInfo {
  std::string name;  ///< "strike", as in summary.json
  /// For people: "{agent} strikes" ({agent} is replaced by the agent's name).
  std::string text;
  Cause ends = kNoCause;  ///< the cause of the breakdown it brings, if it ends the talks
};

/// How a trace field is shown.
enum class FieldKind : std::uint8_t {
  number,       ///< one number (per agent, or of the talks)
  flag,         ///< yes or no
  issue_value,  ///< one number per issue, in real units (a text)
  issue_flag,   ///< yes or no per issue; the issues marked yes are listed
};

/// One quantity a mechanism writes into the trace of a round.
struct FieldInfo {
  std::string name;   ///< key in the JSON trace: "aspiration", "full_text"
  std::string label;  ///< in the text trace: "aspiration", "full text"
  FieldKind kind = FieldKind::number;
  int decimals = 3;           ///< digits after the point in the text trace
  std::size_t mechanism = 0;  ///< index of the mechanism that writes it
  /// For an issue field written on some issues only: what the text trace
  /// says of the others ("the rest at the status quo"); empty: nothing.
  std::string unlisted;
};

/// The tables a Negotiation builds from its mechanisms: every output (text
/// trace, JSON trace, runs.csv, summary.json, report.md) reads its names
/// from here, so no two of them can disagree.
struct Catalog {
  std::vector<std::string> mechanisms;  ///< names, in round order
  std::vector<ParamInfo> params;        ///< in the order declared
  std::vector<std::string> causes;      ///< [0] is "none"
  std::vector<EventInfo> events;
  std::vector<FieldInfo> fields;

  /// Index of the cause, event kind, field or parameter with this name;
  /// throws std::out_of_range naming it when there is none.
  Cause cause(std::string_view name) const;
  EventKind event(std::string_view name) const;
  std::size_t field(std::string_view name) const;
};

// ---------------------------------------------------------------------------
// What a run draws and produces.

/// The parameters of one run, one value per Catalog::params slot (issue
/// values normalised).
struct Draw {
  std::vector<double> values;
};

struct RunResult {
  Outcome outcome = Outcome::no_agreement;
  Cause cause = kNoCause;  ///< for breakdowns
  int round = 0;           ///< the round it ended (the horizon if no agreement)
  int agent = -1;          ///< the spoiler, the principal walking out, ...
  bool phased = false;     ///< a deal reached under caps imposed by a failed ratification
  /// The round an interim deal took effect as a stepping stone (0: none):
  /// with a full deal, it came through the interim one; with a breakdown,
  /// the interim deal broke; with an interim deal, it held to the horizon.
  int interim_round = 0;
  IssueVec terms{};  ///< the deal's terms in real units (deals only)
  /// Each agent's utility of the outcome: of the terms for a deal; for no
  /// deal, a principal's reservation and another agent's utility of the
  /// status quo. Mediators: 0.
  std::array<double, kMaxAgents> utility{};
  /// Who blocked the deal in a run without one (docs/MODEL.md §7.1): the
  /// principals that did not accept the text closest to acceptance (the one
  /// more of them accepted, the full text on a tie) in the last round played.
  std::uint32_t holdouts = 0;   ///< bit a: agent a held out
  bool judged_interim = false;  ///< the interim text was the one judged
  /// Per holdout: the issues where the text crossed its red lines (bit k),
  /// and how far its perceived value fell short of its aspiration (>= 0).
  std::array<std::uint16_t, kMaxAgents> holdout_issues{};
  std::array<double, kMaxAgents> holdout_gap{};
  std::array<int, kMaxEventKinds> event_counts{};
  /// The first occurrence of each (event kind, agent), in the order they
  /// happened (at most kMaxEvents pairs): when each kind of event first
  /// happened, and to whom, for the event incidence of docs/SCORING.md.
  static constexpr std::size_t kMaxEvents = 16;
  std::array<Event, kMaxEvents> events{};
  std::size_t n_events = 0;
};

/// One entry of a round's trace: a field's value, or an event.
struct TraceEntry {
  bool is_event = false;
  std::uint16_t id = 0;  ///< field index, or event kind
  int agent = -1;
  int issue = -1;    ///< for issue fields
  double value = 0;  ///< real units for issue values; 0 or 1 for flags
};

struct RoundTrace {
  int round = 0;
  std::vector<TraceEntry> entries;  ///< in the order they were written
  std::string decision;             ///< what happened at the end of the round, in words
};

struct Trace {
  std::vector<RoundTrace> rounds;
};

/// The value a round's trace holds for a field (of `agent`, -1 for the
/// talks; on `issue` for an issue field), or NaN when it holds none.
double traced(const RoundTrace& round, std::size_t field, int agent = -1, int issue = -1);

/// The random streams of one run, one per mechanism that asked for one.
struct RunStreams {
  RunStreams(const class Negotiation& negotiation, std::uint64_t seed, std::uint64_t point,
             std::uint64_t run);
  static constexpr std::size_t kMaxStreams = 16;
  std::array<Rng, kMaxStreams> streams;
};

// ---------------------------------------------------------------------------

class Negotiation {
 public:
  /// The scenario with the standard mechanisms (mechanisms/standard.hpp).
  explicit Negotiation(const Scenario& scenario);
  /// The scenario with these mechanisms, stepped in this order each round.
  Negotiation(const Scenario& scenario, std::vector<std::unique_ptr<Mechanism>> mechanisms);
  ~Negotiation();
  Negotiation(const Negotiation&) = delete;
  Negotiation& operator=(const Negotiation&) = delete;

  const Scenario& scenario() const { return scenario_; }
  const Catalog& catalog() const { return catalog_; }

  /// The full name of parameter slot `p`: its owner's name and its own
  /// ("israel.strike.base"; a parameter of the talks has its own only).
  std::string param_name(std::size_t p) const;
  /// The slot of the parameter with this full name; throws std::out_of_range.
  std::size_t param(std::string_view full_name) const;
  /// A slot's value for display: in the issue's real units where it has one.
  double shown(std::size_t p, double value) const;
  const char* cause_name(Cause c) const { return catalog_.causes[c].c_str(); }
  const char* event_name(EventKind e) const { return catalog_.events[e].name.c_str(); }
  /// An event for people ("israel strikes").
  std::string describe(const Event& e) const;

  /// Draws the run's parameters: each from its own stream, keyed by its
  /// name (a constant draws nothing).
  void draw(std::uint64_t seed, std::uint64_t point, std::uint64_t run, Draw& out) const;

  /// Plays one negotiation with the given parameters and streams.
  RunResult play(const Draw& draw, RunStreams& streams, Trace* trace = nullptr) const;

  /// The state of the talks at the start of round 1 (after every
  /// mechanism's start), without playing a round: what `negsim utilities`
  /// reads the agents' preferences and reservations from.
  void opening(const Draw& draw, RunStreams& streams, Talks& out) const;

  /// draw() then play(), with the streams of (seed, point, run).
  RunResult run(std::uint64_t seed, std::uint64_t point, std::uint64_t run,
                Trace* trace = nullptr) const;

  /// Real units of a normalised value on issue k, and back.
  double to_real(std::size_t k, double x) const;
  double to_unit(std::size_t k, double value) const;

  // For the mechanisms (mechanism.hpp).
  const std::vector<std::size_t>& principals() const { return principals_; }
  const std::vector<std::size_t>& spoilers() const { return spoilers_; }
  const std::vector<std::size_t>& enforcers() const { return enforcers_; }
  /// The first mediator (-1: none); mediators() lists them all.
  int mediator() const { return mediators_.empty() ? -1 : static_cast<int>(mediators_.front()); }
  const std::vector<std::size_t>& mediators() const { return mediators_; }
  const IssueVec& status_quo() const { return status_quo_; }
  std::size_t stream_count() const { return stream_keys_.size(); }

 private:
  friend class Setup;
  friend struct RunStreams;
  struct StreamKey {
    Purpose purpose;
    std::uint32_t substream;
  };

  Scenario scenario_;
  std::vector<std::unique_ptr<Mechanism>> mechanisms_;
  Catalog catalog_;
  std::vector<StreamKey> stream_keys_;
  std::size_t state_bytes_ = 0;
  IssueVec status_quo_{};
  std::vector<std::size_t> principals_, spoilers_, enforcers_, mediators_;
};

}  // namespace negsim::model
