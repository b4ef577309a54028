// Utilities and the mediator's texts (docs/MODEL.md §1-§2).
//
// Everything here works in normalised issue units: issue k's value x_k is
// (value - min) / (max - min), in [0, 1]. Vectors are fixed-size arrays of
// kMaxIssues with the first `n` entries in use, so no function here touches
// the heap: they run inside the round loop.
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "negsim/scenario.hpp"

namespace negsim::model {

using IssueVec = std::array<double, kMaxIssues>;
using IssueMask = std::array<bool, kMaxIssues>;

/// An agent's preferences over texts.
struct Preferences {
  const IssueVec* ideal = nullptr;     ///< theta_i, normalised
  const IssueVec* salience = nullptr;  ///< s_i, summing to 1 over the issues
  double gamma = 1;                    ///< risk exponent
};

/// u_i(x) = 1 - sum_k s_ik |x_k - theta_ik|^gamma_i  (spatial utility; the
/// exponent makes the agent risk-averse over positions when gamma > 1).
double utility(const Preferences& p, const IssueVec& x, std::size_t n);

/// Whether x stays within the bounds [lo_k, hi_k] on every issue.
bool within(const IssueVec& x, const IssueVec& lo, const IssueVec& hi, std::size_t n);

/// The text as agent i fears it if the other side reneges (Fearon 1995):
/// on each issue where x is better for i than the status quo, the gain is
/// the other side's to deliver and reverts to the status quo; i's own
/// concessions stand.
IssueVec reneged(const Preferences& p, const IssueVec& x, const IssueVec& status_quo,
                 std::size_t n);

/// Perceived value of a text under trust tau:
/// V_i(x) = tau u_i(x) + (1 - tau) u_i(reneged(x)).
double perceived_value(const Preferences& p, double trust, const IssueVec& x,
                       const IssueVec& status_quo, std::size_t n);

/// perceived_value along a segment, for the bisections that look for the
/// point where a party starts to accept: x(lambda) = from + lambda (to -
/// from) on the issues `moves`, from elsewhere. Each call gives the digits
/// of perceived_value(p, trust, x(lambda), status_quo, n), computing only
/// what depends on lambda (the status quo's losses are computed once).
class SegmentValue {
 public:
  /// Sets the segment (in place: the object is large, and a bisection
  /// sets one per party each time).
  void set(const Preferences& p, double trust, const IssueVec& from, const IssueVec& to,
           const IssueMask& moves, const IssueVec& status_quo, std::size_t n);
  double operator()(double lambda) const { return values(std::array<double, 1>{lambda})[0]; }
  /// The values at K points at once: K independent sums in one pass, each
  /// with the digits of operator() at its point. Defined (for K = 1 and 3)
  /// in model_text.cpp, which is built with negsim's floating-point flags
  /// (-ffp-contract=off), so a program including this header cannot round
  /// them differently.
  template <std::size_t K>
  std::array<double, K> values(const std::array<double, K>& lambda) const;

 private:
  struct Term {
    double salience, ideal, from, slope;
    double status_quo_distance, status_quo_loss;  ///< |sq - theta| and its loss
    bool moves;
  };
  std::array<Term, kMaxIssues> terms_;  ///< the first count_ in use
  std::size_t count_ = 0;               ///< the issues with salience, in issue order
  double trust_ = 1, gamma_ = 1;
};
extern template std::array<double, 1> SegmentValue::values(const std::array<double, 1>&) const;
extern template std::array<double, 3> SegmentValue::values(const std::array<double, 3>&) const;

/// The set of texts the mediator may propose: on each issue the text settles
/// (`settles`), the box [lo, hi] cut by the principals' red lines; the other
/// issues stay at `fixed` (the status quo, for an interim text).
/// lo_k > hi_k means issue k has no zone of agreement.
struct TextSpace {
  std::size_t n = 0;
  IssueVec lo{}, hi{};
  IssueMask settles{};
  IssueVec fixed{};

  bool has_zone(std::size_t k) const { return lo[k] <= hi[k]; }
  /// Clamps x into the box; issues with no zone go between the conflicting
  /// red lines, unsettled issues to their fixed value.
  void project(IssueVec& x) const;
};

/// A voice in the compromise rule.
struct Voice {
  const IssueVec* position = nullptr;
  const IssueVec* salience = nullptr;
  double capability = 0;
};

/// Compromise model (Thomson, Stokman, Achen & Koenig 2006): per issue, the
/// capability x salience weighted mean of the positions, projected onto the
/// text space. An issue nobody cares about stays at its fixed value.
IssueVec compromise_text(std::span<const Voice> voices, const TextSpace& space);

/// A party to the Nash bargaining problem.
struct Party {
  Preferences prefs;
  double weight = 1;        ///< w_i: bargaining power, normalised or not
  double disagreement = 0;  ///< d_i: utility of no agreement (reservation)
};

struct NashResult {
  IssueVec text{};
  int iterations = 0;
  /// True when some party's reservation was above what the compromise text
  /// gives it less a margin of 0.05, so its claim was lowered to that.
  bool claims_lowered = false;
};

/// Weighted (asymmetric) Nash bargaining solution (Nash 1950; Kalai 1977):
/// maximise sum_i w_i log(u_i(x) - d_i) over the text space
/// (docs/MODEL.md §3.3). For two parties with linear losses (gamma = 1)
/// and positive weights, exactly, by a walk along the Pareto frontier;
/// otherwise by projected Newton ascent (Bertsekas 1982) on a smoothed |.|
/// (eps = 5e-3), with fixed-size linear algebra. `start` must be a point of
/// the space (the compromise text); the Newton ascent starts from `warm`
/// (the last round's text) instead when every party gains there.
NashResult nash_text(std::span<const Party> parties, const TextSpace& space, const IssueVec& start,
                     const IssueVec* warm = nullptr);

}  // namespace negsim::model
