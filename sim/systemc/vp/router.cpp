#include "ternac/sim/systemc/vp/router.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace ternac::vp {

Router::Router(sc_core::sc_module_name name) : sc_module(name), in("in"), out("out") {
  in.register_b_transport(this, &Router::b_transport);
  in.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
  in.register_transport_dbg(this, &Router::transport_dbg);
  out.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
}

void Router::map(const std::string& target, std::uint64_t base, std::uint64_t size) {
  if (size == 0 || size - 1 > std::numeric_limits<std::uint64_t>::max() - base) {
    throw std::invalid_argument(
        fmt::format("router: {} at 0x{:x}, size 0x{:x}: empty or past 2^64", target, base, size));
  }
  for (const Range& r : ranges_) {
    if (base <= r.base + (r.size - 1) && r.base <= base + (size - 1)) {
      throw std::invalid_argument(
          fmt::format("router: {} at 0x{:x} overlaps {} at 0x{:x}", target, base, r.name, r.base));
    }
  }
  ranges_.push_back({target, base, size});
}

int Router::decode(std::uint64_t addr, std::uint64_t len) const {
  for (std::size_t i = 0; i < ranges_.size(); ++i) {
    const Range& r = ranges_[i];
    if (addr >= r.base && addr - r.base < r.size && len <= r.size - (addr - r.base)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void Router::b_transport(int, tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  const sc_dt::uint64 addr = t.get_address();
  const int i = decode(addr, std::max<unsigned>(t.get_data_length(), 1));
  if (i < 0) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  t.set_address(addr - ranges_[i].base);
  out[i]->b_transport(t, delay);
  t.set_address(addr);
}

bool Router::get_direct_mem_ptr(int, tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
  const sc_dt::uint64 addr = t.get_address();
  const int i = decode(addr, 1);
  if (i < 0) return false;
  const Range& r = ranges_[i];
  t.set_address(addr - r.base);
  const bool granted = out[i]->get_direct_mem_ptr(t, dmi);
  t.set_address(addr);
  if (!granted) return false;
  // Back to system addresses, inside the target's range.
  const sc_dt::uint64 start = dmi.get_start_address();
  const sc_dt::uint64 end = std::min<sc_dt::uint64>(dmi.get_end_address(), r.size - 1);
  dmi.set_dmi_ptr(dmi.get_dmi_ptr() + (start - dmi.get_start_address()));
  dmi.set_start_address(r.base + start);
  dmi.set_end_address(r.base + end);
  return true;
}

unsigned int Router::transport_dbg(int, tlm::tlm_generic_payload& t) {
  const sc_dt::uint64 addr = t.get_address();
  const int i = decode(addr, std::max<unsigned>(t.get_data_length(), 1));
  if (i < 0) return 0;
  t.set_address(addr - ranges_[i].base);
  const unsigned int n = out[i]->transport_dbg(t);
  t.set_address(addr);
  return n;
}

void Router::invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end) {
  const Range& r = ranges_.at(static_cast<std::size_t>(id));
  const sc_dt::uint64 last = std::min<sc_dt::uint64>(end, r.size - 1);
  for (unsigned i = 0; i < in.size(); ++i) {
    in[i]->invalidate_direct_mem_ptr(r.base + start, r.base + last);
  }
}

}  // namespace ternac::vp
