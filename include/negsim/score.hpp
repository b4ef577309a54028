// Scoring a forecast against what happened (docs/SCORING.md): the
// observed-course file (read and checked with located messages, like a
// scenario), and the scores of negsim's forecast and of reference forecasts
// on it: the probability given the observed outcome, its timing and each
// observed event; the multi-class Brier score, the log score, the ranked
// probability score over timing, their Monte Carlo errors and skill scores.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "negsim/diagnostic.hpp"
#include "negsim/engine.hpp"
#include "negsim/model.hpp"
#include "negsim/scenario.hpp"

namespace negsim {

/// A name or number as the observed file wrote it, with where.
template <class T>
struct Located {
  T value{};
  SourceLoc at;
};

struct ObservedOutcome {
  Located<std::string> kind;  ///< full_deal, interim_deal, breakdown, no_agreement
  Located<int> round;         ///< 0: not given (no_agreement: the horizon)
  std::optional<Located<std::string>> cause, agent;
  std::string note;
};

struct ObservedEvent {
  Located<std::string> event;
  std::optional<Located<std::string>> agent;  ///< none: anyone
  Located<int> round;
  std::string note;
};

/// A published (or any) forecast of the outcome class.
struct ReferenceForecast {
  std::string name, date, source;
  /// The probabilities as written (class names, located); the unlisted
  /// classes share the rest evenly (resolve() fills `p`).
  std::vector<std::pair<Located<std::string>, Located<double>>> given;
  std::array<double, kOutcomes> p{};
};

struct ObservedCourse {
  std::string file;
  std::string name, start;
  std::vector<Source> sources;
  ObservedOutcome outcome;
  std::vector<ObservedEvent> events;
  std::vector<ReferenceForecast> references;
};

/// Reads an observed-course file: its form and types. Throws ScenarioError
/// with every problem located (file:line:col: path: message).
ObservedCourse load_observed(const std::string& path);
ObservedCourse load_observed_text(const std::string& yaml, const std::string& origin);

/// Checks the file against the scenario it scores - the outcome class, its
/// cause and agent, the events and agents by the names the negotiation's
/// model knows them, rounds within the horizon, references summing to at
/// most 1 - and fills each reference's probabilities (uniform first).
/// Throws ScenarioError with every problem located.
void resolve(ObservedCourse& course, const model::Negotiation& negotiation);

/// A score with its Monte Carlo standard error (delta method over the
/// runs; 0 for a reference forecast, which is exact).
struct ScoreValue {
  double value = 0, se = 0;
};

/// How one forecast scores on the observed course. Lower is better for all
/// three scores; a skill score is 1 - score / the reference's score.
struct ForecastScores {
  std::string name, date;
  std::array<double, kOutcomes> p{};  ///< the class probabilities
  double p_observed = 0;              ///< of the observed class
  ScoreValue brier;                   ///< sum over classes of (p_k - o_k)^2, in [0, 2]
  ScoreValue log;  ///< -ln p of the observed class (clipped at 1/(2N) for negsim)
  ScoreValue rps;  ///< ranked probability score of the time to each outcome
  bool clipped = false;
};

struct SkillScore {
  std::string reference;
  ScoreValue brier, log, rps;  ///< 1 - negsim / reference
};

struct EventScore {
  std::string event, agent;  ///< agent "" for anyone
  int round = 0;
  Interval by_round;  ///< negsim's probability it had happened by its round
  Interval ever;      ///< ... by the horizon
};

struct Score {
  std::string observed_file, name;
  std::string outcome, cause, agent;  ///< as observed ("" when not given)
  int round = 0;                      ///< the observed round (the horizon for no_agreement)
  std::uint64_t runs = 0;
  Interval p_outcome;                     ///< negsim's probability of the observed class
  Interval p_outcome_by_round;            ///< ... by the observed round (cumulative incidence)
  std::optional<Interval> p_cause;        ///< a breakdown with the observed cause
  std::optional<Interval> p_cause_agent;  ///< ... ended by the observed agent
  ForecastScores negsim;
  std::vector<ForecastScores> references;  ///< uniform first
  std::vector<SkillScore> skill;           ///< against each reference
  std::vector<EventScore> events;
};

/// Scores the negotiation's tally on a resolved course.
Score score(const ObservedCourse& course, const model::Negotiation& negotiation,
            const Tally& tally);

/// The score section for summary.json (a JSON object) and for report.md and
/// the terminal (Markdown).
std::string score_json(const Score& s);
std::string score_markdown(const Score& s);

}  // namespace negsim
