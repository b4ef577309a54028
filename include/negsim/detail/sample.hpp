// A sample's mean and its order-statistic quantiles, as the reports give
// them (the utilities table, the classic models' forecasts).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace negsim::detail {

/// The sorted sample, for its mean and quantiles.
class Sample {
 public:
  /// Sorts `values` (an empty sample has no mean or quantile to ask for).
  explicit Sample(std::vector<double> values) : values_(std::move(values)) {
    for (double v : values_) total_ += v;
    std::sort(values_.begin(), values_.end());
  }
  std::size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }
  /// The sum in the sample's original order over its size.
  double mean() const { return total_ / static_cast<double>(values_.size()); }
  /// The order statistic floor(q (n - 1)) (0-based): no interpolation, so
  /// every quantile is a value of the sample.
  double quantile(double q) const {
    return values_[static_cast<std::size_t>(
        std::floor(q * static_cast<double>(values_.size() - 1)))];
  }

 private:
  std::vector<double> values_;
  double total_ = 0;
};

}  // namespace negsim::detail
