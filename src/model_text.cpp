#include "negsim/model_text.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>

namespace negsim::model {
namespace {

constexpr double kSmoothing = 5e-3;    // eps of the smoothed |z|, normalised units
constexpr double kClaimMargin = 0.05;  // utility left to every party when claims are lowered
// Exchange rates this close (relative) count as tied in the exact
// two-party solve: far below any judgement of salience, far above rounding.
constexpr double kTiedRates = 1e-9;
constexpr int kMaxNewtonIterations = 60;
constexpr double kDecrementTolerance = 1e-12;
constexpr double kStepTolerance = 1e-9;  // normalised units: far below any reported digit
// Armijo's rule (Armijo 1966; Bertsekas 1982 for the projection arc): a step
// is taken when it gains at least this share of what the gradient promises,
constexpr double kArmijoShare = 1e-4;
// halving it at most this many times (2^-30 of a full step: below any digit).
constexpr int kMaxBacktracks = 30;

/// The Newton step's vectors and matrices: fixed-size for the usual handful
/// of variables (Eigen unrolls them), bounded dynamic beyond kFixedUpTo.
/// Each size runs the same operations in the same order, so the digits do
/// not depend on which type holds them.
constexpr int kFixedUpTo = 6;
template <int M>
struct Linear {
  using Vec = Eigen::Matrix<double, M, 1>;
  using Mat = Eigen::Matrix<double, M, M>;
};
template <>
struct Linear<Eigen::Dynamic> {
  using Vec = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, static_cast<int>(kMaxIssues), 1>;
  using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, static_cast<int>(kMaxIssues),
                            static_cast<int>(kMaxIssues)>;
};

using Terms = std::array<double, kMaxIssues>;

/// v_0 + ... + v_(k-1) in the order Eigen 3.4's SSE2 reduction of a
/// dynamic vector adds them (Redux.h, LinearVectorizedTraversal): the even
/// and the odd entries in two lanes, in pairs of packets, the lanes added,
/// then the odd entry left over. The Newton step's sums keep the digits
/// they had when Eigen computed them, whatever the build's vector flags.
inline double eigen_order_sum(const Terms& v, int k) {
  if (k <= 0) return 0;
  if (k == 1) return v[0];
  const auto at = [&](int i) { return v[static_cast<std::size_t>(i)]; };
  const int pairs = k / 2 * 2, quads = k / 4 * 4;
  double even = at(0), odd = at(1);
  if (pairs > 2) {
    double even2 = at(2), odd2 = at(3);
    for (int i = 4; i < quads; i += 4) {
      even += at(i);
      odd += at(i + 1);
      even2 += at(i + 2);
      odd2 += at(i + 3);
    }
    even += even2;
    odd += odd2;
    if (pairs > quads) {
      even += at(quads);
      odd += at(quads + 1);
    }
  }
  double sum = even + odd;
  for (int i = pairs; i < k; ++i) sum += at(i);
  return sum;
}

/// The Newton step: solves a x = b for the symmetric positive definite a
/// (its lower triangle) by Cholesky, false when a is not positive definite
/// (Eigen's NumericalIssue). For the fixed sizes (up to kFixedUpTo, within
/// Eigen's panel width of 8) by hand, in the order of Eigen 3.4's
/// llt_inplace::unblocked (LLT.h: x = a_kk - |l_k,<k|^2, then column k
/// below the diagonal less the products of the rows, over x) and of its
/// triangular_solve_vector (TriangularSolverVector.h: forward substitution
/// by columns, skipping zeros; back substitution by rows, summed as
/// eigen_order_sum does), which is what set the digits; beyond, Eigen's LLT.
template <int M>
bool newton_solve(const typename Linear<M>::Mat& a, const Terms& b, Terms& x, int m) {
  if constexpr (M == Eigen::Dynamic) {
    using Vec = typename Linear<Eigen::Dynamic>::Vec;
    const Eigen::LLT<typename Linear<Eigen::Dynamic>::Mat> llt(a);
    if (llt.info() != Eigen::Success) return false;
    Vec rhs(m);
    for (int j = 0; j < m; ++j) rhs(j) = b[static_cast<std::size_t>(j)];
    const Vec solved = llt.solve(rhs);
    for (int j = 0; j < m; ++j) x[static_cast<std::size_t>(j)] = solved(j);
    return true;
  } else {
    static_assert(M <= 8, "the hand-written solve follows Eigen's single panel");
    // m is M here: the bound the compiler can see.
    (void)m;
    constexpr int size = M;
    std::array<std::array<double, M>, M> l;  // l[i][j] for i >= j
    for (int i = 0; i < size; ++i) {
      for (int j = 0; j <= i; ++j) l[i][j] = a(i, j);
    }
    for (int k = 0; k < size; ++k) {
      double d = l[k][k];
      if (k > 0) {
        double norm = l[k][0] * l[k][0];
        for (int j = 1; j < k; ++j) norm += l[k][j] * l[k][j];
        d -= norm;
      }
      if (d <= 0) return false;
      d = std::sqrt(d);
      l[k][k] = d;
      for (int i = k + 1; i < size; ++i) {
        if (k > 0) {
          double dot = l[i][0] * l[k][0];
          for (int j = 1; j < k; ++j) dot += l[i][j] * l[k][j];
          l[i][k] -= dot;
        }
        l[i][k] /= d;
      }
    }
    for (int i = 0; i < size; ++i) x[static_cast<std::size_t>(i)] = b[static_cast<std::size_t>(i)];
    for (int i = 0; i < size; ++i) {
      double& xi = x[static_cast<std::size_t>(i)];
      if (xi == 0) continue;
      xi /= l[i][i];
      for (int r = i + 1; r < size; ++r) x[static_cast<std::size_t>(r)] -= xi * l[r][i];
    }
    Terms products;
    for (int i = size - 1; i >= 0; --i) {
      double& xi = x[static_cast<std::size_t>(i)];
      const int k = size - 1 - i;
      if (k > 0) {
        for (int t = 0; t < k; ++t) {
          products[static_cast<std::size_t>(t)] =
              l[i + 1 + t][i] * x[static_cast<std::size_t>(i + 1 + t)];
        }
        xi -= eigen_order_sum(products, k);
      }
      if (xi != 0) xi /= l[i][i];
    }
    return true;
  }
}

double loss(double z, double gamma) {
  const double a = std::fabs(z);
  if (gamma == 1) return a;
  if (gamma == 2) return a * a;
  return std::pow(a, gamma);
}

/// phi(z) = (z^2 + eps^2)^(gamma/2) and its first two derivatives: a smooth
/// stand-in for |z|^gamma, so Newton steps exist at every point (gamma = 2
/// needs no smoothing and gets the exact z^2).
struct Smooth {
  double value, d1, d2;
};
Smooth smooth_loss(double z, double gamma) {
  if (gamma == 2) return {z * z, 2 * z, 2};  // smooth already: exact
  const double q = z * z + kSmoothing * kSmoothing;
  if (gamma == 1) {
    const double r = std::sqrt(q);
    return {r, z / r, kSmoothing * kSmoothing / (q * r)};
  }
  const double h = std::pow(q, gamma / 2);
  return {h, gamma * z * h / q,
          gamma * h / (q * q) * ((gamma - 1) * z * z + kSmoothing * kSmoothing)};
}

}  // namespace

double utility(const Preferences& p, const IssueVec& x, std::size_t n) {
  double u = 1;
  for (std::size_t k = 0; k < n; ++k) {
    const double s = (*p.salience)[k];
    if (s != 0) u -= s * loss(x[k] - (*p.ideal)[k], p.gamma);
  }
  return u;
}

bool within(const IssueVec& x, const IssueVec& lo, const IssueVec& hi, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    if (x[k] < lo[k] || x[k] > hi[k]) return false;
  }
  return true;
}

IssueVec reneged(const Preferences& p, const IssueVec& x, const IssueVec& status_quo,
                 std::size_t n) {
  IssueVec r = x;
  for (std::size_t k = 0; k < n; ++k) {
    const double theta = (*p.ideal)[k];
    if (std::fabs(x[k] - theta) < std::fabs(status_quo[k] - theta)) r[k] = status_quo[k];
  }
  return r;
}

double perceived_value(const Preferences& p, double trust, const IssueVec& x,
                       const IssueVec& status_quo, std::size_t n) {
  if (trust >= 1) return utility(p, x, n);
  // utility(x) and utility(reneged(x)) in one pass: each sum runs over the
  // issues in the same order as utility()'s, and an issue the reneging
  // leaves alone shares its loss, so the digits are utility()'s.
  double kept = 1, broken = 1;
  for (std::size_t k = 0; k < n; ++k) {
    const double s = (*p.salience)[k];
    if (s == 0) continue;
    const double theta = (*p.ideal)[k];
    const double here = loss(x[k] - theta, p.gamma);
    kept -= s * here;
    const bool reverts = std::fabs(x[k] - theta) < std::fabs(status_quo[k] - theta);
    broken -= s * (reverts ? loss(status_quo[k] - theta, p.gamma) : here);
  }
  return trust * kept + (1 - trust) * broken;
}

void SegmentValue::set(const Preferences& p, double trust, const IssueVec& from, const IssueVec& to,
                       const IssueMask& moves, const IssueVec& status_quo, std::size_t n) {
  trust_ = trust;
  gamma_ = p.gamma;
  count_ = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double s = (*p.salience)[k];
    if (s == 0) continue;
    const double theta = (*p.ideal)[k];
    terms_[count_++] = Term{s,
                            theta,
                            from[k],
                            moves[k] ? to[k] - from[k] : 0.0,
                            std::fabs(status_quo[k] - theta),
                            loss(status_quo[k] - theta, p.gamma),
                            moves[k]};
  }
}

template <std::size_t K>
std::array<double, K> SegmentValue::values(const std::array<double, K>& lambda) const {
  // perceived_value's sums, term by term in its order (utility()'s when
  // trust is whole), on x_k = from_k + lambda (to_k - from_k) as the
  // callers computed it.
  std::array<double, K> kept, broken;
  kept.fill(1);
  broken.fill(1);
  for (std::size_t j = 0; j < count_; ++j) {
    const Term& t = terms_[j];
    for (std::size_t q = 0; q < K; ++q) {
      const double x = t.moves ? t.from + lambda[q] * t.slope : t.from;
      const double here = loss(x - t.ideal, gamma_);
      kept[q] -= t.salience * here;
      const bool reverts = std::fabs(x - t.ideal) < t.status_quo_distance;
      broken[q] -= t.salience * (reverts ? t.status_quo_loss : here);
    }
  }
  if (trust_ >= 1) return kept;
  std::array<double, K> v;
  for (std::size_t q = 0; q < K; ++q) v[q] = trust_ * kept[q] + (1 - trust_) * broken[q];
  return v;
}
template std::array<double, 1> SegmentValue::values(const std::array<double, 1>&) const;
template std::array<double, 3> SegmentValue::values(const std::array<double, 3>&) const;

void TextSpace::project(IssueVec& x) const {
  for (std::size_t k = 0; k < n; ++k) {
    if (!settles[k]) {
      x[k] = fixed[k];
    } else if (has_zone(k)) {
      x[k] = std::clamp(x[k], lo[k], hi[k]);
    } else {
      // No zone: somewhere between the conflicting red lines (hi < lo).
      x[k] = std::clamp(x[k], hi[k], lo[k]);
    }
  }
}

IssueVec compromise_text(std::span<const Voice> voices, const TextSpace& space) {
  IssueVec x = space.fixed;
  for (std::size_t k = 0; k < space.n; ++k) {
    if (!space.settles[k]) continue;
    double num = 0, den = 0;
    for (const Voice& v : voices) {
      const double w = v.capability * (*v.salience)[k];
      num += w * (*v.position)[k];
      den += w;
    }
    if (den > 0) x[k] = num / den;
  }
  space.project(x);
  return x;
}

namespace {

/// nash_text's ascent over the m variables `var` from the projected start
/// x, with the linear algebra of size M (Eigen::Dynamic: any m).
template <int M>
void ascend(std::span<const Party> parties, const TextSpace& space,
            const std::array<std::size_t, kMaxIssues>& var, const int m, IssueVec& x,
            const IssueVec* warm, NashResult& result) {
  using Vec = typename Linear<M>::Vec;
  using Mat = typename Linear<M>::Mat;
  const std::size_t n = space.n;
  // g_i(x) = 1 - d_i - sum_k s_ik phi(x_k - theta_ik), smoothed. Issues
  // that are not variables keep their value through the solve, so their
  // part of each party's loss is computed once.
  IssueMask is_var{};
  for (int j = 0; j < m; ++j) is_var[var[static_cast<std::size_t>(j)]] = true;
  std::array<double, kMaxAgents> constant_loss{};
  for (std::size_t i = 0; i < parties.size(); ++i) {
    const Party& p = parties[i];
    for (std::size_t k = 0; k < n; ++k) {
      const double s = (*p.prefs.salience)[k];
      if (s != 0 && !is_var[k]) {
        constant_loss[i] += s * smooth_loss(x[k] - (*p.prefs.ideal)[k], p.prefs.gamma).value;
      }
    }
  }
  auto smoothed_utility = [&](std::size_t i, const IssueVec& y) {
    const Party& p = parties[i];
    double u = 1 - constant_loss[i];
    for (int j = 0; j < m; ++j) {
      const std::size_t k = var[static_cast<std::size_t>(j)];
      const double s = (*p.prefs.salience)[k];
      if (s != 0) u -= s * smooth_loss(y[k] - (*p.prefs.ideal)[k], p.prefs.gamma).value;
    }
    return u;
  };
  // Claims d_i, lowered where the compromise start leaves a party below its
  // reservation, so the feasible set {g_i > 0} is never empty.
  std::array<double, kMaxAgents> claim{};
  for (std::size_t i = 0; i < parties.size(); ++i) {
    const double at_start = smoothed_utility(i, x) - kClaimMargin;
    claim[i] = std::min(parties[i].disagreement, at_start);
    if (claim[i] < parties[i].disagreement) result.claims_lowered = true;
  }
  // The objective at a trial point computes each smoothed loss with its
  // derivatives into `trial`; when the point is taken they are the next
  // Newton step's (`current`), computed once, from the same arguments.
  using Losses = std::array<std::array<Smooth, kMaxIssues>, kMaxAgents>;
  Losses buffers[2];
  Losses* trial = &buffers[0];
  Losses* current = &buffers[1];
  bool have_current = false;
  auto objective = [&](const IssueVec& y) {
    double f = 0;
    for (std::size_t i = 0; i < parties.size(); ++i) {
      const Party& p = parties[i];
      double u = 1 - constant_loss[i];
      for (int j = 0; j < m; ++j) {
        const std::size_t k = var[static_cast<std::size_t>(j)];
        const double s = (*p.prefs.salience)[k];
        if (s == 0) continue;
        const Smooth phi = smooth_loss(y[k] - (*p.prefs.ideal)[k], p.prefs.gamma);
        (*trial)[i][static_cast<std::size_t>(j)] = phi;
        u -= s * phi.value;
      }
      const double g = u - claim[i];
      if (g <= 0) return -std::numeric_limits<double>::infinity();
      f += p.weight * std::log(g);
    }
    return f;
  };
  auto take_trial = [&] {
    std::swap(trial, current);
    have_current = true;
  };
  double fx = std::numeric_limits<double>::quiet_NaN();  // objective at x, once known
  if (warm) {
    // Last round's text is nearly always nearer the optimum than the
    // compromise: take it whenever every party still gains there.
    IssueVec w = *warm;
    for (std::size_t k = 0; k < n; ++k) {
      if (!is_var[k]) w[k] = x[k];  // the constant part of the losses assumes x's values
    }
    space.project(w);  // the space may have shrunk since (a legislature's cap)
    const double fw = objective(w);
    if (fw > -std::numeric_limits<double>::infinity()) {
      x = w;
      fx = fw;
      take_trial();
    }
  }
  if (std::isnan(fx)) {
    fx = objective(x);
    if (fx > -std::numeric_limits<double>::infinity()) take_trial();
  }

  Vec grad, dgi;
  Mat hess;
  grad.resize(m);
  dgi.resize(m);
  hess.resize(m, m);
  for (int it = 0; it < kMaxNewtonIterations; ++it) {
    result.iterations = it + 1;
    grad.setZero();
    hess.setZero();
    if (!have_current) {
      // The objective at x stopped at a party without gain: compute afresh.
      for (std::size_t i = 0; i < parties.size(); ++i) {
        const Party& p = parties[i];
        for (int j = 0; j < m; ++j) {
          const std::size_t k = var[static_cast<std::size_t>(j)];
          if ((*p.prefs.salience)[k] == 0) continue;
          (*current)[i][static_cast<std::size_t>(j)] =
              smooth_loss(x[k] - (*p.prefs.ideal)[k], p.prefs.gamma);
        }
      }
      have_current = true;
    }
    for (std::size_t i = 0; i < parties.size(); ++i) {
      const Party& p = parties[i];
      const auto& phi = (*current)[i];
      // Each loss once: its value for g_i, its derivatives for the step.
      double g = 1 - claim[i] - constant_loss[i];
      for (int j = 0; j < m; ++j) {
        const std::size_t k = var[static_cast<std::size_t>(j)];
        const double s = (*p.prefs.salience)[k];
        if (s == 0) continue;
        g -= s * phi[static_cast<std::size_t>(j)].value;
      }
      for (int j = 0; j < m; ++j) {
        const std::size_t k = var[static_cast<std::size_t>(j)];
        const double s = (*p.prefs.salience)[k];
        const Smooth& f = phi[static_cast<std::size_t>(j)];
        dgi(j) = s == 0 ? 0.0 : -s * f.d1;
        hess(j, j) += s == 0 ? 0.0 : p.weight * (-s * f.d2) / g;
      }
      grad += (p.weight / g) * dgi;
      // The rank-one update, each entry (c dgi_a) dgi_b as Eigen's outer
      // product rounds it, on the lower triangle only: the Cholesky factor
      // reads no other (Eigen's LLT included).
      const double c = p.weight / (g * g);
      for (int b = 0; b < m; ++b) {
        for (int a = b; a < m; ++a) hess(a, b) -= (c * dgi(a)) * dgi(b);
      }
    }
    // Projected Newton: issues at a bound the gradient pushes against are
    // held there; the others take a Newton step.
    std::array<bool, kMaxIssues> held{};
    for (int j = 0; j < m; ++j) {
      const std::size_t k = var[static_cast<std::size_t>(j)];
      held[static_cast<std::size_t>(j)] =
          (x[k] <= space.lo[k] && grad(j) < 0) || (x[k] >= space.hi[k] && grad(j) > 0);
    }
    Mat neg = -hess;
    for (int j = 0; j < m; ++j) {
      if (!held[static_cast<std::size_t>(j)]) continue;
      neg.row(j).setZero();
      neg.col(j).setZero();
      neg(j, j) = 1;
    }
    Terms rhs, direction, terms;
    for (std::size_t j = 0; j < static_cast<std::size_t>(m); ++j) {
      rhs[j] = held[j] ? 0.0 : grad(static_cast<int>(j));
      terms[j] = rhs[j] * rhs[j];
    }
    if (eigen_order_sum(terms, m) == 0) break;  // stationary
    if (newton_solve<M>(neg, rhs, direction, m)) {
      // The Newton decrement is the gain a full step promises: when it is
      // negligible the text has converged.
      for (std::size_t j = 0; j < static_cast<std::size_t>(m); ++j)
        terms[j] = rhs[j] * direction[j];
      if (eigen_order_sum(terms, m) < kDecrementTolerance) break;
    } else {
      // Not concave here (gamma < 1): a gradient step. (Only the m entries
      // in use are copied: the rest were never written.)
      for (int j = 0; j < m; ++j)
        direction[static_cast<std::size_t>(j)] = rhs[static_cast<std::size_t>(j)];
    }
    // Backtracking along the projection arc (Armijo).
    double alpha = 1;
    bool moved = false;
    for (int back = 0; back < kMaxBacktracks; ++back, alpha *= 0.5) {
      // Only the variables move, and each has a zone: clamping them is the
      // projection.
      IssueVec y = x;
      for (int j = 0; j < m; ++j) {
        const std::size_t k = var[static_cast<std::size_t>(j)];
        y[k] = std::clamp(x[k] + alpha * direction[static_cast<std::size_t>(j)], space.lo[k],
                          space.hi[k]);
      }
      double gain = 0;
      for (int j = 0; j < m; ++j) {
        const std::size_t k = var[static_cast<std::size_t>(j)];
        gain += grad(j) * (y[k] - x[k]);
      }
      const double fy = objective(y);
      if (fy >= fx + kArmijoShare * gain && fy > -std::numeric_limits<double>::infinity()) {
        double step = 0;
        for (int j = 0; j < m; ++j) {
          const std::size_t k = var[static_cast<std::size_t>(j)];
          step = std::max(step, std::fabs(y[k] - x[k]));
        }
        moved = step > kStepTolerance;
        x = y;
        fx = fy;
        take_trial();
        break;
      }
    }
    if (!moved) break;
  }
}

/// The exact weighted Nash solution for two parties with linear losses
/// (gamma = 1 for both, positive weights): docs/MODEL.md §3.3. With
/// separable linear utilities the Pareto frontier is traced by moving the
/// contested issues one at a time from party 0's best point in the box to
/// party 1's, in the order of their exchange rates s_1k / s_0k, largest
/// first (Dantzig 1957; Raiffa 1982); along it the Nash objective is concave,
/// and its maximum is where its slope changes sign: at a vertex or inside
/// one issue's segment, where w_1 s_1k g_0 = w_0 s_0k g_1.
void exact_two_linear(std::span<const Party> parties, const TextSpace& space,
                      const std::array<std::size_t, kMaxIssues>& var, const int m, IssueVec& x,
                      NashResult& result) {
  const std::size_t n = space.n;
  const Party& p0 = parties[0];
  const Party& p1 = parties[1];
  const IssueVec& s0 = *p0.prefs.salience;
  const IssueVec& s1 = *p1.prefs.salience;
  const IssueVec& t0 = *p0.prefs.ideal;
  const IssueVec& t1 = *p1.prefs.ideal;
  // Claims, lowered where the start leaves a party below its reservation.
  double claim0 = std::min(p0.disagreement, utility(p0.prefs, x, n) - kClaimMargin);
  double claim1 = std::min(p1.disagreement, utility(p1.prefs, x, n) - kClaimMargin);
  result.claims_lowered = claim0 < p0.disagreement || claim1 < p1.disagreement;
  // Party 0's best point: each variable at its ideal as the box allows,
  // except where only party 1 cares (its ideal) or nobody does (the start).
  struct Contest {
    std::size_t k;
    double from, to, rate;
  };
  std::array<Contest, kMaxIssues> contests;
  int count = 0;
  for (int j = 0; j < m; ++j) {
    const std::size_t k = var[static_cast<std::size_t>(j)];
    const double a = std::clamp(t0[k], space.lo[k], space.hi[k]);
    const double b = std::clamp(t1[k], space.lo[k], space.hi[k]);
    if (s0[k] == 0 && s1[k] == 0) continue;  // stays where the start has it
    if (s1[k] == 0 || a == b) {
      x[k] = a;
    } else if (s0[k] == 0) {
      x[k] = b;
    } else {
      x[k] = a;
      contests[static_cast<std::size_t>(count++)] = Contest{k, a, b, s1[k] / s0[k]};
    }
  }
  // Largest exchange rate first (equal rates in issue order, so that the
  // blocks below are contiguous).
  std::sort(contests.begin(), contests.begin() + count, [](const Contest& l, const Contest& r) {
    return l.rate != r.rate ? l.rate > r.rate : l.k < r.k;
  });
  double g0 = utility(p0.prefs, x, n) - claim0;
  double g1 = utility(p1.prefs, x, n) - claim1;
  const double w0 = p0.weight, w1 = p1.weight;
  for (int c = 0; c < count;) {
    // A block: the issues whose exchange rates are equal (to within
    // kTiedRates), moved together by the same share f of their segments, so
    // that the text does not depend on the order of tied issues.
    int end = c + 1;
    while (end < count && contests[static_cast<std::size_t>(end)].rate >=
                              contests[static_cast<std::size_t>(c)].rate * (1 - kTiedRates)) {
      ++end;
    }
    if (end == c + 1) {
      const Contest& e = contests[static_cast<std::size_t>(c)];
      const double a0 = s0[e.k], a1 = s1[e.k];
      // The objective's slope along this issue's segment, per unit moved:
      // -w_0 a0 / g0 + w_1 a1 / g1 (infinite while party 1 has no gain).
      if (g1 > 0 && w1 * a1 * g0 <= w0 * a0 * g1) break;  // a vertex is the maximum
      const double length = std::fabs(e.to - e.from);
      const double t = (w1 * a1 * g0 - w0 * a0 * g1) / (a0 * a1 * (w0 + w1));
      if (t < length && g0 - a0 * t > 0) {
        x[e.k] = std::clamp(e.from + (e.to > e.from ? t : -t), std::min(e.from, e.to),
                            std::max(e.from, e.to));
        break;
      }
      x[e.k] = e.to;
      g0 -= a0 * length;
      g1 += a1 * length;
      c = end;
      continue;
    }
    // Along the block, g0 = G0 - f A and g1 = G1 + f B for f in [0, 1].
    double lose = 0, gain = 0;
    for (int j = c; j < end; ++j) {
      const Contest& e = contests[static_cast<std::size_t>(j)];
      const double length = std::fabs(e.to - e.from);
      lose += s0[e.k] * length;
      gain += s1[e.k] * length;
    }
    if (g1 > 0 && w1 * gain * g0 <= w0 * lose * g1) break;
    const double f = (w1 * gain * g0 - w0 * lose * g1) / (lose * gain * (w0 + w1));
    if (f < 1 && g0 - lose * f > 0) {
      for (int j = c; j < end; ++j) {
        const Contest& e = contests[static_cast<std::size_t>(j)];
        x[e.k] = std::clamp(e.from + f * (e.to - e.from), std::min(e.from, e.to),
                            std::max(e.from, e.to));
      }
      break;
    }
    for (int j = c; j < end; ++j) {
      const Contest& e = contests[static_cast<std::size_t>(j)];
      x[e.k] = e.to;
    }
    g0 -= lose;
    g1 += gain;
    c = end;
  }
  result.iterations = 1;
}

}  // namespace

NashResult nash_text(std::span<const Party> parties, const TextSpace& space, const IssueVec& start,
                     const IssueVec* warm) {
  NashResult result;
  const std::size_t n = space.n;
  // The variables: settled issues with a zone wider than a point.
  std::array<std::size_t, kMaxIssues> var;
  int m = 0;
  for (std::size_t k = 0; k < n; ++k) {
    if (space.settles[k] && space.has_zone(k) && space.lo[k] < space.hi[k]) {
      var[static_cast<std::size_t>(m++)] = k;
    }
  }
  IssueVec x = start;
  space.project(x);
  const bool two_linear = parties.size() == 2 && parties[0].prefs.gamma == 1 &&
                          parties[1].prefs.gamma == 1 && parties[0].weight > 0 &&
                          parties[1].weight > 0;
  if (m > 0 && two_linear) {
    exact_two_linear(parties, space, var, m, x, result);
  } else if (m > 0 && !parties.empty()) {
    switch (m) {
      case 1:
        ascend<1>(parties, space, var, m, x, warm, result);
        break;
      case 2:
        ascend<2>(parties, space, var, m, x, warm, result);
        break;
      case 3:
        ascend<3>(parties, space, var, m, x, warm, result);
        break;
      case 4:
        ascend<4>(parties, space, var, m, x, warm, result);
        break;
      case 5:
        ascend<5>(parties, space, var, m, x, warm, result);
        break;
      case 6:
        ascend<kFixedUpTo>(parties, space, var, m, x, warm, result);
        break;
      default:
        ascend<Eigen::Dynamic>(parties, space, var, m, x, warm, result);
    }
  }
  result.text = x;
  return result;
}

}  // namespace negsim::model
