// Bisection on [0, 1] two halvings at a time (docs/MODEL.md §3.10, §3.11:
// the mediator's and the proposer's searches along a segment).
#pragma once

#include <array>

namespace negsim::detail {

/// After `steps` halvings of [0, 1]: with `smallest`, the upper end of the
/// bracket where `ok` first holds (given that it holds at 1); otherwise the
/// lower end of the bracket where it last holds (given that it holds at
/// 0). `ok3` judges three points at once: each double step judges the
/// midpoint and both candidates for the next one together (independent
/// evaluations instead of two that wait on each other), and the first
/// answer picks which of the other two counts. The midpoints are computed
/// as one halving at a time computes them ((lo + hi) / 2), so the answer is
/// that bisection's to the bit, whatever `ok` is, monotone or not.
template <class Ok3>
double bisect(Ok3 ok3, bool smallest, int steps) {
  double lo = 0, hi = 1;
  int s = 0;
  for (; s + 1 < steps; s += 2) {
    const double mid = (lo + hi) / 2;
    const double left = (lo + mid) / 2, right = (mid + hi) / 2;
    const std::array<bool, 3> ok = ok3(std::array<double, 3>{mid, left, right});
    if (ok[0] == smallest) {  // the answer is below mid
      hi = mid;
      (ok[1] == smallest ? hi : lo) = left;
    } else {
      lo = mid;
      (ok[2] == smallest ? hi : lo) = right;
    }
  }
  for (; s < steps; ++s) {
    const double mid = (lo + hi) / 2;
    (ok3(std::array<double, 3>{mid, mid, mid})[0] == smallest ? hi : lo) = mid;
  }
  return smallest ? hi : lo;
}

}  // namespace negsim::detail
