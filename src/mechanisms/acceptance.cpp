#include "negsim/mechanisms/acceptance.hpp"

#include <algorithm>

namespace negsim::model {
namespace {

/// The issues where a text crosses the principal's red lines (bit k). Red
/// lines bind what a text settles, not the issues it leaves open.
std::uint16_t breaches(const Talks& t, std::size_t i, const IssueVec& x, const IssueMask& settles) {
  std::uint16_t out = 0;
  for (std::size_t k = 0; k < t.n_issues; ++k) {
    if (settles[k] && (x[k] < t.red_lo[i][k] || x[k] > t.red_hi[i][k])) {
      out = static_cast<std::uint16_t>(out | (1u << k));
    }
  }
  return out;
}

}  // namespace

void Acceptance::declare(Setup& setup) {
  const bool interim = !setup.scenario().deals.interim.empty();
  aspiration_ = setup.field("aspiration", "aspiration");
  reservation_ = setup.field("reservation", "reservation", FieldKind::number, 2);
  trust_ = setup.field("trust", "trust", FieldKind::number, 2);
  // With two principals "trust" is the pair's; with more, each pair is shown.
  const auto& principals = setup.negotiation().principals();
  pairs_ = principals.size() >= 3;
  for (std::size_t j : principals) {
    if (!pairs_) break;
    const std::string& name = setup.scenario().agents[j].name;
    trust_in_[j] = setup.field("trust_in." + name, "trust in " + name, FieldKind::number, 2);
  }
  pressure_ = setup.field("pressure", "pressure", FieldKind::number, 2);
  value_full_ = setup.field("value_full", "value of the full text");
  accepts_full_ = setup.field("accepts_full", "accepts full", FieldKind::flag);
  if (interim) {
    value_interim_ = setup.field("value_interim", "value of the interim text");
    accepts_interim_ = setup.field("accepts_interim", "accepts interim", FieldKind::flag);
  }
  progress_ = setup.field("progress", "progress", FieldKind::number, 2);
  for (std::size_t m : setup.negotiation().mediators()) {
    const Agent& mediator = setup.scenario().agents[m];
    const int a = static_cast<int>(m);
    // A guarantee of 0 (the default) changes nothing: it draws nothing.
    if (!mediator.guarantee.is_constant() || mediator.guarantee.value() != 0) {
      guarantees_.push_back(setup.param(a, "guarantee", mediator.guarantee));
    }
    for (const Leverage& l : mediator.leverage) {
      levers_.push_back(Lever{setup.param(a, "leverage." + l.on.name, l.value), l.on.index});
    }
  }
  if (!guarantees_.empty()) {
    guaranteed_ = setup.field("guaranteed_trust", "trust with guarantees", FieldKind::number, 2);
  }
  if (!levers_.empty()) leverage_ = setup.field("leverage", "leverage", FieldKind::number, 3);
}

void Acceptance::start(Run& run) const {
  // Guarantees: each mediator removes its share of the remaining distrust
  // (Kydd 2006); leverage adds to the value of any deal (Beardsley 2011).
  Talks& t = run.talks;
  t.distrust_left = 1;
  for (ParamId g : guarantees_) t.distrust_left *= 1 - run.param(g);
  t.leverage.fill(0);
  for (const Lever& l : levers_) t.leverage[l.on] += run.param(l.value);
}

void Acceptance::step(Run& run) const {
  Talks& t = run.talks;
  const Negotiation& neg = run.negotiation();
  const IssueVec& sq = neg.status_quo();
  t.all_full = true;
  t.all_interim = t.has_interim;
  double progress_full = 0, progress_interim = 0;
  for (std::size_t i : neg.principals()) {
    // How close a text is to what the principal holds out for (1 when it
    // would accept); an aspiration of 0 is met by anything.
    auto closeness = [&](double value) {
      return t.aspiration[i] > 0 ? std::clamp(value / t.aspiration[i], 0.0, 1.0) : 1.0;
    };
    t.value_full[i] = t.deal_value(i, t.full_text, sq);
    t.breaches_full[i] = breaches(t, i, t.full_text, t.full.settles);
    t.accepts_full[i] = t.breaches_full[i] == 0 && t.value_full[i] >= t.aspiration[i];
    t.all_full &= t.accepts_full[i];
    progress_full += closeness(t.value_full[i]);
    t.value_interim[i] = 0;
    t.accepts_interim[i] = false;
    t.breaches_interim[i] = 0;
    if (t.has_interim) {
      t.value_interim[i] = t.deal_value(i, t.interim_text, sq);
      t.breaches_interim[i] = breaches(t, i, t.interim_text, t.interim.settles);
      t.accepts_interim[i] = t.breaches_interim[i] == 0 && t.value_interim[i] >= t.aspiration[i];
      t.all_interim &= t.accepts_interim[i];
      progress_interim += closeness(t.value_interim[i]);
    }
  }
  const double principals = static_cast<double>(neg.principals().size());
  t.progress = std::max(progress_full, progress_interim) / principals;
  if (!run.tracing()) return;
  for (std::size_t i : neg.principals()) {
    const int a = static_cast<int>(i);
    run.trace(aspiration_, a, t.aspiration[i]);
    run.trace(reservation_, a, t.reservation[i]);
    run.trace(trust_, a, t.trust[i]);
    if (!guarantees_.empty()) run.trace(guaranteed_, a, t.guaranteed_trust(i));
    if (!levers_.empty()) run.trace(leverage_, a, t.leverage[i]);
    for (std::size_t j : neg.principals()) {
      if (pairs_ && j != i) run.trace(trust_in_[j], a, t.trust_in[i][j]);
    }
    run.trace(pressure_, a, t.pressure[i]);
    run.trace(value_full_, a, t.value_full[i]);
    if (t.has_interim) run.trace(value_interim_, a, t.value_interim[i]);
    run.trace(accepts_full_, a, t.accepts_full[i]);
    if (t.has_interim) run.trace(accepts_interim_, a, t.accepts_interim[i]);
  }
  run.trace(progress_, -1, t.progress);
}

}  // namespace negsim::model
