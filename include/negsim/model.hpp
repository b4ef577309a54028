// One negotiation, end to end (docs/MODEL.md).
//
// A Negotiation is built once per scenario. Each run then draws its
// parameters (Draw) from the scenario's distributions and plays the rounds:
// lobbying, the mediator's full and interim texts, spoiler strikes, the
// enforcer's snapback, domestic shocks, acceptance, ratification, walk-outs,
// and concession, until a deal, a breakdown or the horizon.
//
// A run is a pure function of (scenario, seed, design point, run index):
// every random number comes from a Philox stream keyed by those (rng.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "negsim/model_text.hpp"
#include "negsim/rng.hpp"
#include "negsim/scenario.hpp"

namespace negsim::model {

// ---------------------------------------------------------------------------
// Parameters of one run, drawn from the scenario's distributions.

struct Lobby {
  std::size_t target = 0;
  double weight = 0;
};

/// One agent's drawn parameters, in normalised issue units.
struct AgentDraw {
  Role role = Role::principal;
  double capability = 1, risk = 1, reservation = 0, concession = 0, trust = 0.5;
  IssueVec ideal{};     ///< theta (normalised); issues without an ideal hold 0
  IssueVec salience{};  ///< normalised to sum 1
  IssueVec red_lo{}, red_hi{};
  // principals
  IssueVec cap{};  ///< executive cap per issue (normalised); > 1 when none
  double ratification = 1, pressure = 0, unrest = 0, leadership = 0;
  // spoilers
  bool strikes = false;
  double strike_base = 0, strike_sensitivity = 0, strike_breakdown = 0;
  // enforcers
  bool snaps = false;
  int snapback_deadline = 0;
  double snapback_progress_below = 0;
  std::size_t snapback_target = 0;
  // mediators
  int bias_toward = -1;
  double bias_amount = 0, skill = 0;
  // lobbying (spoilers and enforcers)
  std::array<Lobby, kMaxAgents> lobbies{};
  std::size_t n_lobbies = 0;
};

struct Draw {
  std::size_t n_issues = 0;
  std::vector<AgentDraw> agents;
  int walkout_patience = 4;
  double walkout_hazard = 0, trust_gain = 0, text_noise = 0;
  double strike_trust_shock = 0, snapback_reservation_drop = 0, snapback_walkout_hazard = 0;
  double unrest_pressure = 0, leadership_shift = 0, ratification_trust_shock = 0;
  RatificationFailure ratification_failure = RatificationFailure::resume;
};

// ---------------------------------------------------------------------------
// What a run produces.

enum class Outcome : std::uint8_t { full_deal, interim_deal, breakdown, no_agreement };
enum class Cause : std::uint8_t { none, strike, walkout, snapback };
enum class EventKind : std::uint8_t {
  strike,               ///< a spoiler struck
  snapback,             ///< the enforcer restored sanctions
  unrest,               ///< domestic unrest in a principal
  leadership_change,    ///< a principal's preferences were redrawn
  ratification_passed,  ///< a legislature approved a deal above the cap
  ratification_failed,  ///< ... or rejected it
  phased_relief,        ///< a rejection made the caps bind every later text
  walkout,              ///< a principal left the talks
};
inline constexpr std::size_t kEventKinds = 8;

const char* to_string(Outcome o);
const char* to_string(Cause c);
const char* to_string(EventKind e);

struct Event {
  int round = 0;
  EventKind kind = EventKind::strike;
  int agent = -1;  ///< who (the striker, the unrest-hit principal, ...)
  bool operator==(const Event&) const = default;
};

struct RunResult {
  Outcome outcome = Outcome::no_agreement;
  Cause cause = Cause::none;  ///< for breakdowns
  int round = 0;              ///< the round it ended (the horizon if no agreement)
  int agent = -1;             ///< the spoiler, the principal walking out, ...
  bool phased = false;        ///< a deal reached under caps imposed by a failed ratification
  IssueVec terms{};           ///< the deal's terms in real units (deals only)
  /// Each agent's utility of the outcome: of the terms for a deal; for no
  /// deal, a principal's reservation and another agent's utility of the
  /// status quo. Mediators: 0.
  std::array<double, kMaxAgents> utility{};
  std::array<int, kEventKinds> event_counts{};
  static constexpr std::size_t kMaxEvents = 16;
  std::array<Event, kMaxEvents> events{};  ///< the first kMaxEvents events
  std::size_t n_events = 0;
};

// ---------------------------------------------------------------------------
// Round-by-round record, for `negsim trace`.

struct PrincipalState {
  std::size_t agent = 0;
  double aspiration = 0, reservation = 0, trust = 0, pressure = 0;
  double value_full = 0, value_interim = 0;  ///< perceived values of the texts
  bool accepts_full = false, accepts_interim = false;
  int rounds_without_text = 0;
};

struct RoundTrace {
  int round = 0;
  std::vector<double> full_text, interim_text;  ///< real units
  std::vector<bool> no_zone;                    ///< issues with no zone of agreement
  std::vector<PrincipalState> principals;
  std::vector<std::pair<std::size_t, double>> strike_hazards;  ///< (spoiler, hazard)
  double progress = 0;
  std::vector<Event> events;
  std::string decision;  ///< what happened at the end of the round, in words
};

struct Trace {
  std::vector<RoundTrace> rounds;
};

/// Random streams of one run, one per purpose.
struct RunStreams {
  RunStreams(std::uint64_t seed, std::uint64_t point, std::uint64_t run);
  Rng noise, strike, snapback, domestic, ratification, walkout;
};

// ---------------------------------------------------------------------------

class Negotiation {
 public:
  explicit Negotiation(const Scenario& scenario);

  const Scenario& scenario() const { return scenario_; }

  /// Draws the run's parameters: agent a's from substream a + 1 of the params
  /// purpose, the rest from substream 0, one uniform per parameter slot.
  void draw(std::uint64_t seed, std::uint64_t point, std::uint64_t run, Draw& out) const;

  /// Plays one negotiation with the given parameters and streams.
  RunResult play(const Draw& draw, RunStreams& streams, Trace* trace = nullptr) const;

  /// draw() then play(), with the streams of (seed, point, run).
  RunResult run(std::uint64_t seed, std::uint64_t point, std::uint64_t run,
                Trace* trace = nullptr) const;

  /// Real units of a normalised value on issue k.
  double to_real(std::size_t k, double x) const;
  double to_unit(std::size_t k, double value) const;

 private:
  Scenario scenario_;
  IssueVec status_quo_{};  ///< normalised
  IssueMask interim_{};
  bool has_interim_ = false;
  std::vector<std::size_t> principals_, spoilers_, enforcers_, lobbyists_;
  int mediator_ = -1;
};

}  // namespace negsim::model
