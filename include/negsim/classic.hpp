// The classic forecasting models of policy bargaining, on an actor table
// (docs/CLASSIC.md): each actor's capability, and per issue its position and
// salience. This component reads the tables of the peers' own formats
// (KTAB's CSV, the BDM/Scholz CSV, decide's #A/#P/#M/#D rows) and negsim's
// scenarios, and computes the compromise model. It stands beside the
// negotiation model: the same case can run through both.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "negsim/diagnostic.hpp"
#include "negsim/scenario.hpp"

namespace negsim::classic {

struct Actor {
  std::string name, description;
  double capability = 0;
  std::vector<double> position, salience;  ///< per dimension, as the file wrote them
  /// Per dimension when the format gives power issue by issue (decide);
  /// empty: `capability` on every dimension.
  std::vector<double> power;
  double capability_on(std::size_t k) const { return power.empty() ? capability : power[k]; }
  SourceLoc at;
};

struct ActorTable {
  std::string file, name, description;
  std::string format;  ///< "ktab", "bdm", "decide" or "scenario"
  std::vector<std::string> dimensions;
  /// Per dimension, the scale's ends when the format gives them (decide's
  /// #M rows, a scenario's issue range); NaN otherwise.
  std::vector<double> lo, hi;
  std::vector<double> status_quo;  ///< per dimension when known (a scenario's issues); else empty
  std::vector<Actor> actors;
};

/// KTAB's CSV: `name,desc,nActors,nDims`, a header line, then one line per
/// actor `name,desc,capability,pos1,sal1,...`. Throws ScenarioError with
/// every problem located (file:line:column).
ActorTable read_ktab_csv(const std::string& text, const std::string& origin);
/// The BDM/Scholz CSV: `Actor,Capability,Position,Salience`, one issue.
ActorTable read_bdm_csv(const std::string& text, const std::string& origin);
/// decide's rows: #A actor, #P issue, #M the scale ends, #D actor
/// issue position salience power (tab- or comma-separated, quoted names).
ActorTable read_decide(const std::string& text, const std::string& origin);
/// Any of the three, recognised by its first line; throws ScenarioError
/// naming the file when it is none of them.
ActorTable read_actor_table(const std::string& path);

/// A scenario's agents and issues as an actor table: each agent with an
/// ideal on the issue (the distribution's mean), its salience and
/// capability; issues in their real units. Mediators take no position.
ActorTable actor_table(const Scenario& scenario);

/// The table of run `run` of `seed`: every agent's capability, ideals and
/// saliences drawn from their distributions (a stream of its own, so the
/// draws are the same whatever else runs).
ActorTable draw_actor_table(const Scenario& scenario, std::uint64_t seed, std::uint64_t run);

/// One forecast per dimension by a model: "compromise" (the weighted mean),
/// "bdm" (the weighted median after `rounds` rounds) or "smp" (the most
/// likely position of the final state). NaN where a model cannot run.
std::vector<double> forecast(const std::string& model, const ActorTable& table, int rounds = 10);

/// A model's forecast on one dimension: at the means of the scenario's
/// distributions, and over `runs` draws of the actor table (draw_actor_table
/// of runs 0, 1, ...): the mean and quantiles of the draws where the model
/// could run (`runs` of them; NaN everywhere when none could).
struct ForecastSummary {
  double at_means = std::numeric_limits<double>::quiet_NaN();
  double mean = std::numeric_limits<double>::quiet_NaN();
  double q05 = std::numeric_limits<double>::quiet_NaN();
  double q50 = std::numeric_limits<double>::quiet_NaN();
  double q95 = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t runs = 0;
};

/// The classic models' names, in the order reports give them.
inline constexpr const char* kModelNames[] = {"compromise", "bdm", "smp"};

/// Monte Carlo over a scenario's distributions: per model of `models`, per
/// issue, the forecast at the means and over `runs` draws (the same draws
/// for every model). Draws run in parallel on `threads` threads (0: the
/// current task arena's, all cores by default); the result depends only on
/// (scenario, seed, runs, rounds). The quantiles are the order statistics
/// floor(q (n - 1)) of the sorted draws.
std::vector<std::vector<ForecastSummary>> monte_carlo(const Scenario& scenario,
                                                      const std::vector<std::string>& models,
                                                      std::uint64_t seed, std::uint64_t runs,
                                                      int rounds = 10, int threads = 0);

/// The compromise model (Achen 2006; Thomson, Stokman, Achen & König 2006):
/// per dimension, sum of c s x over sum of c s, over the actors with a
/// position on it. NaN for a dimension where that sum of weights is 0.
std::vector<double> compromise(const ActorTable& table);

/// Bueno de Mesquita's expected-utility model as Scholz, Calbert & Smith
/// (2011) reproduced it, computed as jmckib's program computes it
/// (docs/CLASSIC.md, docs/classic/bdm.md), on one dimension of the table.
struct BdmOffer {
  enum class Type { confrontation, compromise };
  std::size_t from = 0;  ///< the proposer's row
  Type type = Type::confrontation;
  double position = 0;
  double eu_ij = 0, eu_ji = 0;  ///< as the receiver sees them
};

struct BdmActorRound {
  double position_before = 0, position_after = 0;
  double risk = 1;  ///< the risk exponent r of the round
  double danger = 0, risk_acceptance = 0;
  std::vector<BdmOffer> offers;  ///< received, in proposer order
  std::optional<BdmOffer> accepted;
};

struct BdmRound {
  int round = 0;
  std::vector<BdmActorRound> actors;
  double median = 0, mean = 0;  ///< after the round's moves
};

struct BdmResult {
  std::size_t dimension = 0;
  double range = 0;  ///< fixed from the initial positions
  double initial_median = 0, initial_mean = 0;
  std::vector<BdmRound> rounds;
};

/// Runs `rounds` rounds (jmckib's program has no stopping rule). Throws
/// std::invalid_argument when the positions are all equal or the danger
/// levels do not differ (the program divides by zero there).
BdmResult bdm(const ActorTable& table, int rounds, std::size_t dimension = 0);

/// The weighted median and mean forecasts of one dimension, as the BDM
/// program computes them: the held position with the smallest sum of
/// c s |x - p| (the first in row order on a tie), and sum c s x / sum c s.
double bdm_median(const std::vector<double>& x, const std::vector<double>& weight);
double bdm_mean(const std::vector<double>& x, const std::vector<double>& weight);

/// KTAB's spatial model of politics in its deterministic configuration
/// (Linear, Prop, Conditional, Deterministic, Mid, OneThird, SemiCommit,
/// S2P2, InitOnlyInterp), computed as KTAB's smpc computes it
/// (docs/CLASSIC.md, docs/classic/smp.md). Positions and saliences are
/// read on KTAB's 0-100 scale and computed on [0, 1].
struct SmpState {
  std::vector<std::vector<double>> position;  ///< [actor][dimension], on [0, 1]
  std::vector<double> risk;                   ///< inferred risk attitudes
  std::vector<double> win;                    ///< each actor's position's probability of winning
};

struct SmpResult {
  std::vector<SmpState> states;  ///< state 0 is the table
  /// Per iteration t = 1, 2, ...: the distance between states t-1 and t, and
  /// its ratio to the first step's (plus 1e-4), which stops the run below 0.02.
  std::vector<double> distance, ratio;
};

SmpResult smp(const ActorTable& table, int max_iterations = 100);

/// The lines KTAB's log prints after the run: the state count, the history
/// of positions (x 100, "%5.1f") and of the winning probabilities ("%.4f").
std::string smp_history_text(const ActorTable& table, const SmpResult& result);

}  // namespace negsim::classic
