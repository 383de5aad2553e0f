/* The device: finite memory, buffers, and the validation of models and shapes. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

int32_t sendnn_device_open(int32_t num_cards, uint64_t memory_capacity_bytes_per_card, sendnn_device **out_device) {
  emu_clear_error();
  if (out_device == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_device_open: out_device is null");
  if (num_cards < 1 || num_cards > EMU_MAX_CARDS) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_device_open: %d cards (this library emulates 1 to %d)", num_cards, EMU_MAX_CARDS);
  }
  if (memory_capacity_bytes_per_card == 0) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_device_open: the memory capacity must be positive");
  sendnn_device *device = calloc(1, sizeof *device);
  if (device == NULL) return emu_fail(SENDNN_E_HOST_MEMORY, "sendnn_device_open: out of host memory");
  device->num_cards = num_cards;
  device->capacity_bytes = memory_capacity_bytes_per_card;
  const char *fail_at = getenv("SENDNN_EMU_FAIL_RUN");
  device->fail_at_run = fail_at != NULL ? strtoll(fail_at, NULL, 10) : 0;
  int32_t status = emu_cards_start(num_cards, &device->cards);
  if (status != SENDNN_OK) {
    free(device);
    return status;
  }
  *out_device = device;
  return SENDNN_OK;
}

int32_t sendnn_device_close(sendnn_device *device) {
  emu_clear_error();
  if (device == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_device_close: device is null");
  if (device->open_objects != 0) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_device_close: %d buffers or programs are still allocated on the device", device->open_objects);
  }
  emu_cards_stop(device->cards);
  free(device);
  return SENDNN_OK;
}

int32_t sendnn_device_memory(const sendnn_device *device, int32_t card, uint64_t *out_total_bytes, uint64_t *out_used_bytes) {
  emu_clear_error();
  if (device == NULL || out_total_bytes == NULL || out_used_bytes == NULL) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_device_memory: null argument");
  }
  if (card < 0 || card >= device->num_cards) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_device_memory: card %d of a device of %d cards", card, device->num_cards);
  }
  *out_total_bytes = device->capacity_bytes;
  *out_used_bytes = device->used_bytes[card];
  return SENDNN_OK;
}

int32_t emu_charge(sendnn_device *device, uint64_t card_bytes, const char *what) {
  for (int32_t card = 0; card < device->num_cards; card++) {
    uint64_t free_bytes = device->capacity_bytes - device->used_bytes[card];
    if (card_bytes <= free_bytes) continue;
    if (device->num_cards == 1) {
      return emu_fail(SENDNN_E_DEVICE_MEMORY,
                      "device memory exceeded: %s needs %llu bytes, but only %llu of the device's %llu bytes are free (%llu in use)",
                      what, (unsigned long long)card_bytes, (unsigned long long)free_bytes,
                      (unsigned long long)device->capacity_bytes, (unsigned long long)device->used_bytes[card]);
    }
    return emu_fail(SENDNN_E_DEVICE_MEMORY,
                    "device memory exceeded: %s needs %llu bytes on each of the %d cards, but only %llu of card %d's %llu bytes are free (%llu in use)",
                    what, (unsigned long long)card_bytes, device->num_cards, (unsigned long long)free_bytes, card,
                    (unsigned long long)device->capacity_bytes, (unsigned long long)device->used_bytes[card]);
  }
  for (int32_t card = 0; card < device->num_cards; card++) device->used_bytes[card] += card_bytes;
  device->open_objects += 1;
  return SENDNN_OK;
}

void emu_release(sendnn_device *device, uint64_t card_bytes) {
  for (int32_t card = 0; card < device->num_cards; card++) device->used_bytes[card] -= card_bytes;
  device->open_objects -= 1;
}

/* Granite's scalars: 0 (the Llama value) or a positive finite number; GPT-2 has none. */
static int granite_ok(const sendnn_model_desc *model) {
  const double values[4] = {model->embedding_multiplier, model->residual_multiplier, model->attention_multiplier, model->logits_scaling};
  for (int i = 0; i < 4; i++) {
    if (!(values[i] >= 0) || isinf(values[i]) || (model->family == SENDNN_FAMILY_GPT2 && values[i] != 0)) return 0;
  }
  return 1;
}

int32_t emu_check_model(const sendnn_model_desc *model) {
  if (model == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "model description is null");
  if (!granite_ok(model)) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT,
                    "invalid Granite multipliers (family %d: embedding %g, residual %g, attention %g, logits scaling %g; each must be 0 or a positive finite number, and 0 for GPT-2)",
                    model->family, model->embedding_multiplier, model->residual_multiplier, model->attention_multiplier, model->logits_scaling);
  }
  if (model->vocab_size <= 0 || model->hidden_size <= 0 || model->intermediate_size <= 0 || model->num_layers <= 0 ||
      model->num_heads <= 0 || model->num_kv_heads <= 0 || model->head_dim <= 0 || model->head_dim % 2 != 0 ||
      model->num_heads % model->num_kv_heads != 0 || model->rms_norm_eps <= 0 ||
      (model->tie_word_embeddings != 0 && model->tie_word_embeddings != 1) ||
      (model->family == SENDNN_FAMILY_LLAMA && (model->rope_theta <= 0 || model->max_positions != 0)) ||
      (model->family == SENDNN_FAMILY_GPT2 && (model->max_positions <= 0 || model->num_kv_heads != model->num_heads)) ||
      (model->family != SENDNN_FAMILY_LLAMA && model->family != SENDNN_FAMILY_GPT2)) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT,
                    "invalid model description (family %d, vocab %d, hidden %d, intermediate %d, layers %d, heads %d, kv heads %d, head dim %d, max positions %d)",
                    model->family, model->vocab_size, model->hidden_size, model->intermediate_size, model->num_layers, model->num_heads,
                    model->num_kv_heads, model->head_dim, model->max_positions);
  }
  return SENDNN_OK;
}

int32_t emu_check_cards(const sendnn_model_desc *model, int32_t num_cards) {
  if (num_cards < 1 || num_cards > EMU_MAX_CARDS) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "%d cards (this library emulates 1 to %d)", num_cards, EMU_MAX_CARDS);
  if (model->num_heads % num_cards != 0 || model->num_kv_heads % num_cards != 0) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "the model cannot be split across %d cards: %d attention heads and %d KV heads must both divide by %d",
                    num_cards, model->num_heads, model->num_kv_heads, num_cards);
  }
  return SENDNN_OK;
}

int32_t emu_check_shape(const sendnn_model_desc *model, const sendnn_program_shape *shape) {
  (void)model;
  if (shape == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "program shape is null");
  if (shape->kind == SENDNN_PROGRAM_ENCODER) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "encoder programs (batch %d, prompt length %d) are compiled with sendnn_encoder_compile",
                    shape->batch_size, shape->num_slots);
  }
  int valid = shape->batch_size > 0 && shape->num_slots > 0 && shape->max_context > 0 &&
              shape->max_context % SENDNN_BLOCK_SIZE == 0;
  if (shape->kind == SENDNN_PROGRAM_PREFILL_CHUNK) valid = valid && shape->batch_size == 1 && shape->num_slots % SENDNN_BLOCK_SIZE == 0;
  else if (shape->kind == SENDNN_PROGRAM_DECODE) valid = valid && shape->num_slots == 1;
  else valid = 0;
  if (!valid) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "invalid program shape (kind %d, batch %d, slots %d, max context %d)",
                    shape->kind, shape->batch_size, shape->num_slots, shape->max_context);
  }
  return SENDNN_OK;
}

static int model_and_cards_ok(const sendnn_model_desc *model, int32_t num_cards) {
  return emu_check_model(model) == SENDNN_OK && emu_check_cards(model, num_cards) == SENDNN_OK;
}

/* The raw weights are staged across the cards: each card is charged its share. */
uint64_t sendnn_weights_bytes(const sendnn_model_desc *model, int32_t num_cards) {
  if (!model_and_cards_ok(model, num_cards)) return 0;
  uint64_t total = (uint64_t)emu_raw_weight_floats(model) * sizeof(float);
  return (total + (uint64_t)num_cards - 1) / (uint64_t)num_cards;
}

uint64_t sendnn_kv_bytes(const sendnn_model_desc *model, int32_t num_cards, int32_t num_blocks) {
  if (!model_and_cards_ok(model, num_cards) || num_blocks <= 0) return 0;
  return (uint64_t)emu_kv_floats_per_block(model, num_cards) * (uint64_t)num_blocks * sizeof(float);
}

uint64_t sendnn_program_bytes(const sendnn_model_desc *model, int32_t num_cards, const sendnn_program_shape *shape) {
  if (!model_and_cards_ok(model, num_cards) || emu_check_shape(model, shape) != SENDNN_OK) return 0;
  return (uint64_t)emu_card_scratch_floats(model, num_cards, shape) * sizeof(float);
}

static int32_t alloc_buffer(sendnn_device *device, const sendnn_model_desc *model, emu_buffer_kind kind, int32_t num_blocks,
                            uint64_t num_bytes, uint64_t card_bytes, const char *what, sendnn_buffer **out_buffer) {
  int32_t status = emu_charge(device, card_bytes, what);
  if (status != SENDNN_OK) return status;
  sendnn_buffer *buffer = calloc(1, sizeof *buffer);
  float *data = calloc(num_bytes / sizeof(float), sizeof(float));
  if (buffer == NULL || data == NULL) {
    free(buffer);
    free(data);
    emu_release(device, card_bytes);
    return emu_fail(SENDNN_E_HOST_MEMORY, "%s: out of host memory for %llu bytes", what, (unsigned long long)num_bytes);
  }
  buffer->device = device;
  buffer->kind = kind;
  buffer->model = *model;
  buffer->num_blocks = num_blocks;
  buffer->num_cards = device->num_cards;
  buffer->num_bytes = num_bytes;
  buffer->card_bytes = card_bytes;
  buffer->data = data;
  *out_buffer = buffer;
  return SENDNN_OK;
}

int32_t sendnn_buffer_alloc_weights(sendnn_device *device, const sendnn_model_desc *model, sendnn_buffer **out_buffer) {
  emu_clear_error();
  if (device == NULL || out_buffer == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_buffer_alloc_weights: null argument");
  int32_t status = emu_check_model(model);
  if (status == SENDNN_OK) status = emu_check_cards(model, device->num_cards);
  if (status != SENDNN_OK) return status;
  return alloc_buffer(device, model, EMU_BUFFER_WEIGHTS, 0, (uint64_t)emu_raw_weight_floats(model) * sizeof(float),
                      sendnn_weights_bytes(model, device->num_cards), "the weights buffer", out_buffer);
}

int32_t sendnn_buffer_alloc_kv(sendnn_device *device, const sendnn_model_desc *model, int32_t num_blocks, sendnn_buffer **out_buffer) {
  emu_clear_error();
  if (device == NULL || out_buffer == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_buffer_alloc_kv: null argument");
  int32_t status = emu_check_model(model);
  if (status == SENDNN_OK) status = emu_check_cards(model, device->num_cards);
  if (status != SENDNN_OK) return status;
  if (num_blocks <= 1) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_buffer_alloc_kv: %d blocks (the null block and at least one more are needed)", num_blocks);
  char what[96];
  snprintf(what, sizeof what, "the KV cache of %d blocks", num_blocks);
  uint64_t card_bytes = sendnn_kv_bytes(model, device->num_cards, num_blocks);
  return alloc_buffer(device, model, EMU_BUFFER_KV, num_blocks, card_bytes * (uint64_t)device->num_cards, card_bytes, what, out_buffer);
}

int32_t sendnn_buffer_write(sendnn_buffer *buffer, uint64_t offset_bytes, const void *data, uint64_t num_bytes) {
  emu_clear_error();
  if (buffer == NULL || (data == NULL && num_bytes > 0)) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_buffer_write: null argument");
  if (offset_bytes > buffer->num_bytes || num_bytes > buffer->num_bytes - offset_bytes) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_buffer_write: %llu bytes at offset %llu overflow a buffer of %llu bytes",
                    (unsigned long long)num_bytes, (unsigned long long)offset_bytes, (unsigned long long)buffer->num_bytes);
  }
  memcpy((char *)buffer->data + offset_bytes, data, num_bytes);
  return SENDNN_OK;
}

int32_t sendnn_kv_copy_blocks(sendnn_buffer *kv, int32_t num_copies, const int32_t *sources, const int32_t *targets) {
  emu_clear_error();
  if (kv == NULL || (num_copies > 0 && (sources == NULL || targets == NULL)) || num_copies < 0) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_kv_copy_blocks: null argument or negative count");
  }
  if (kv->kind != EMU_BUFFER_KV) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_kv_copy_blocks: not a KV buffer");
  for (int32_t i = 0; i < num_copies; i++) {
    if (sources[i] < 0 || sources[i] >= kv->num_blocks || targets[i] <= 0 || targets[i] >= kv->num_blocks) {
      return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_kv_copy_blocks: copy %d: block %d to block %d, outside 0..%d (block 0 is never a target)",
                      i, sources[i], targets[i], kv->num_blocks - 1);
    }
  }
  /* Each card's shard is its blocks one after another (all layers, keys and values of its KV heads). */
  size_t per_block = emu_kv_floats_per_block(&kv->model, kv->num_cards);
  for (int32_t card = 0; card < kv->num_cards; card++) {
    float *shard = kv->data + per_block * (size_t)kv->num_blocks * (size_t)card;
    for (int32_t i = 0; i < num_copies; i++) {
      if (sources[i] == targets[i]) continue;
      memcpy(shard + per_block * (size_t)targets[i], shard + per_block * (size_t)sources[i], per_block * sizeof(float));
    }
  }
  return SENDNN_OK;
}

int32_t sendnn_buffer_free(sendnn_buffer *buffer) {
  emu_clear_error();
  if (buffer == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_buffer_free: buffer is null");
  emu_release(buffer->device, buffer->card_bytes);
  free(buffer->data);
  free(buffer);
  return SENDNN_OK;
}
