// The overload-set idiom for std::visit over a variant.
#pragma once

namespace negsim::detail {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace negsim::detail
