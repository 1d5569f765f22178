#include "connectors/file/row_builder.h"

namespace sluice {

void ResetRow(Vector& v, size_t row) {
  v.SetValid(row);
  switch (v.type().id()) {
    case TypeId::kArray: {
      uint32_t* off = v.offsets();
      v.child(0).Resize(off[row]);
      off[row + 1] = off[row];
      break;
    }
    case TypeId::kStruct:
      for (size_t i = 0; i < v.num_children(); ++i) ResetRow(v.child(i), row);
      break;
    default:
      break;
  }
}

void SetRowNull(Vector& v, size_t row) {
  switch (v.type().id()) {
    case TypeId::kArray: {
      uint32_t* off = v.offsets();
      v.child(0).Resize(off[row]);
      off[row + 1] = off[row];
      break;
    }
    case TypeId::kStruct:
      for (size_t i = 0; i < v.num_children(); ++i) SetRowNull(v.child(i), row);
      break;
    default:
      break;
  }
  v.SetNull(row);
}

}  // namespace sluice
