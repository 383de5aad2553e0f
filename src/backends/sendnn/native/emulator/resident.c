/* Resident weight shards: the decoder programs of one model on one device share one packed copy of each card's
 * shard (as a card holds its weights once, whatever the programs). A program is compiled or loaded into host
 * memory first, uncharged; made resident, it either joins an identical resident copy (same model, card count
 * and bytes) or becomes the resident copy, charged to the cards then. The copy is freed with its last program. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct emu_resident {
  sendnn_model_desc model;
  int32_t num_cards;
  size_t floats;
  uint64_t checksum;
  float *packed;
  int32_t refs;
  uint64_t card_bytes;
  emu_resident *next;
};

uint64_t sendnn_packed_weights_bytes(const sendnn_model_desc *model, int32_t num_cards) {
  if (emu_check_model(model) != SENDNN_OK || emu_check_cards(model, num_cards) != SENDNN_OK) return 0;
  return (uint64_t)emu_largest_shard_floats(model, num_cards) * sizeof(float);
}

int32_t emu_make_resident(sendnn_program *program) {
  sendnn_device *device = program->device;
  size_t bytes = program->packed_floats * sizeof(float);
  uint64_t checksum = emu_checksum(program->packed, bytes, 0);
  for (emu_resident *r = device->residents; r != NULL; r = r->next) {
    if (r->num_cards == program->num_cards && r->floats == program->packed_floats && r->checksum == checksum &&
        memcmp(&r->model, &program->model, sizeof r->model) == 0 && memcmp(r->packed, program->packed, bytes) == 0) {
      free(program->packed);
      program->packed = r->packed;
      program->resident = r;
      r->refs += 1;
      return SENDNN_OK;
    }
  }
  emu_resident *r = calloc(1, sizeof *r);
  if (r == NULL) return emu_fail(SENDNN_E_HOST_MEMORY, "out of host memory for the resident weights");
  uint64_t card_bytes = sendnn_packed_weights_bytes(&program->model, program->num_cards);
  int32_t status = emu_charge(device, card_bytes, "the weight shards");
  if (status != SENDNN_OK) {
    free(r);
    return status;
  }
  r->model = program->model;
  r->num_cards = program->num_cards;
  r->floats = program->packed_floats;
  r->checksum = checksum;
  r->packed = program->packed;
  r->refs = 1;
  r->card_bytes = card_bytes;
  r->next = device->residents;
  device->residents = r;
  program->resident = r;
  return SENDNN_OK;
}

void emu_drop_resident(sendnn_program *program) {
  emu_resident *r = program->resident;
  program->resident = NULL;
  program->packed = NULL;
  if (--r->refs > 0) return;
  sendnn_device *device = program->device;
  for (emu_resident **link = &device->residents; *link != NULL; link = &(*link)->next) {
    if (*link == r) {
      *link = r->next;
      break;
    }
  }
  emu_release(device, r->card_bytes);
  free(r->packed);
  free(r);
}
