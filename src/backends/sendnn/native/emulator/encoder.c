/* Encoder programs: layout, compile (re-layout + autotune), load. The forward pass is in encoderForward.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static size_t layer_stride(const sendnn_encoder_desc *m) {
  size_t h = (size_t)m->hidden_size, i = (size_t)m->intermediate_size;
  return 4 * (h * h + h) + 2 * h + h * i + i + i * h + h + 2 * h;
}

/* The raw and the packed layouts share offsets: same tensors, same order; packed matrices are [out][in]. */
encoder_layout emu_encoder_layout(const sendnn_encoder_desc *m) {
  size_t h = (size_t)m->hidden_size, labels = (size_t)m->num_labels;
  encoder_layout l;
  l.word = 0;
  l.position = l.word + (size_t)m->vocab_size * h;
  l.type = l.position + (size_t)m->max_positions * h;
  l.emb_norm_w = l.type + (size_t)m->type_vocab_size * h;
  l.emb_norm_b = l.emb_norm_w + h;
  l.layers = l.emb_norm_b + h;
  l.pooler_w = l.layers + (size_t)m->num_layers * layer_stride(m);
  l.pooler_b = l.pooler_w + (labels > 0 ? h * h : 0);
  l.classifier_w = l.pooler_b + (labels > 0 ? h : 0);
  l.classifier_b = l.classifier_w + h * labels;
  l.total = l.classifier_b + labels;
  return l;
}

encoder_layer emu_encoder_layer(const sendnn_encoder_desc *m, int32_t layer) {
  size_t h = (size_t)m->hidden_size, i = (size_t)m->intermediate_size;
  encoder_layer o;
  o.q_w = emu_encoder_layout(m).layers + (size_t)layer * layer_stride(m);
  o.q_b = o.q_w + h * h;
  o.k_w = o.q_b + h;
  o.k_b = o.k_w + h * h;
  o.v_w = o.k_b + h;
  o.v_b = o.v_w + h * h;
  o.ao_w = o.v_b + h;
  o.ao_b = o.ao_w + h * h;
  o.an_w = o.ao_b + h;
  o.an_b = o.an_w + h;
  o.i_w = o.an_b + h;
  o.i_b = o.i_w + h * i;
  o.o_w = o.i_b + i;
  o.o_b = o.o_w + i * h;
  o.on_w = o.o_b + h;
  o.on_b = o.on_w + h;
  return o;
}

static int32_t check_encoder(const sendnn_encoder_desc *m) {
  if (m == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "encoder description is null");
  if (m->vocab_size <= 0 || m->hidden_size <= 0 || m->intermediate_size <= 0 || m->num_layers <= 0 || m->num_heads <= 0 ||
      m->hidden_size % m->num_heads != 0 || m->max_positions <= 0 || m->type_vocab_size <= 0 || m->num_labels < 0 ||
      (m->pooling != SENDNN_POOLING_MEAN && m->pooling != SENDNN_POOLING_CLS) || (m->classifier_activation != SENDNN_CLASSIFIER_TANH && m->classifier_activation != SENDNN_CLASSIFIER_RELU) || m->layer_norm_eps <= 0) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "invalid encoder description (vocab %d, hidden %d, intermediate %d, layers %d, heads %d, positions %d)",
                    m->vocab_size, m->hidden_size, m->intermediate_size, m->num_layers, m->num_heads, m->max_positions);
  }
  return SENDNN_OK;
}

static int32_t check_encoder_shape(const sendnn_encoder_desc *m, const sendnn_program_shape *shape) {
  if (shape == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "program shape is null");
  if (shape->kind != SENDNN_PROGRAM_ENCODER || shape->batch_size <= 0 || shape->num_slots <= 0 || shape->num_slots > m->max_positions ||
      shape->max_context != shape->num_slots) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "invalid encoder program shape (kind %d, batch %d, prompt length %d, max context %d; at most %d positions)",
                    shape->kind, shape->batch_size, shape->num_slots, shape->max_context, m->max_positions);
  }
  return SENDNN_OK;
}

static size_t scratch_floats(const sendnn_encoder_desc *m, const sendnn_program_shape *shape) {
  size_t rows = (size_t)shape->batch_size * (size_t)shape->num_slots, h = (size_t)m->hidden_size;
  return rows * (6 * h + (size_t)m->intermediate_size) + (size_t)shape->batch_size * 2 * h + (size_t)EMU_MAX_THREADS * (size_t)shape->num_slots;
}

static emu_program_spec encoder_spec(const sendnn_encoder_desc *m, const sendnn_program_shape *shape) {
  emu_program_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.arch = EMU_ARCH_ENCODER;
  spec.encoder = *m;
  spec.shape = *shape;
  spec.packed_floats = emu_encoder_layout(m).total;
  spec.scratch_floats = scratch_floats(m, shape);
  spec.num_cards = 1; /* encoders are not sharded: the program runs on the caller's thread */
  spec.card_bytes = (uint64_t)(spec.packed_floats + spec.scratch_floats) * sizeof(float);
  return spec;
}

uint64_t sendnn_encoder_weights_bytes(const sendnn_encoder_desc *model) {
  if (check_encoder(model) != SENDNN_OK) return 0;
  return (uint64_t)emu_encoder_layout(model).total * sizeof(float);
}

uint64_t sendnn_encoder_program_bytes(const sendnn_encoder_desc *model, const sendnn_program_shape *shape) {
  if (check_encoder(model) != SENDNN_OK || check_encoder_shape(model, shape) != SENDNN_OK) return 0;
  return encoder_spec(model, shape).card_bytes;
}

int32_t sendnn_buffer_alloc_encoder_weights(sendnn_device *device, const sendnn_encoder_desc *model, sendnn_buffer **out_buffer) {
  emu_clear_error();
  if (device == NULL || out_buffer == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_buffer_alloc_encoder_weights: null argument");
  int32_t status = check_encoder(model);
  if (status != SENDNN_OK) return status;
  uint64_t num_bytes = sendnn_encoder_weights_bytes(model);
  status = emu_charge(device, num_bytes, "the encoder weights buffer");
  if (status != SENDNN_OK) return status;
  sendnn_buffer *buffer = calloc(1, sizeof *buffer);
  float *data = calloc(num_bytes / sizeof(float), sizeof(float));
  if (buffer == NULL || data == NULL) {
    free(buffer);
    free(data);
    emu_release(device, num_bytes);
    return emu_fail(SENDNN_E_HOST_MEMORY, "the encoder weights buffer: out of host memory for %llu bytes", (unsigned long long)num_bytes);
  }
  buffer->device = device;
  buffer->kind = EMU_BUFFER_ENCODER_WEIGHTS;
  buffer->encoder = *model;
  buffer->num_bytes = num_bytes;
  buffer->card_bytes = num_bytes;
  buffer->num_cards = 1;
  buffer->data = data;
  *out_buffer = buffer;
  return SENDNN_OK;
}

static void transpose(const float *src, size_t in_features, size_t out_features, float *dst) {
  for (size_t i = 0; i < in_features; i++) {
    for (size_t o = 0; o < out_features; o++) dst[o * in_features + i] = src[i * out_features + o];
  }
}

static void relayout(const sendnn_encoder_desc *m, const float *raw, float *packed) {
  encoder_layout l = emu_encoder_layout(m);
  size_t h = (size_t)m->hidden_size, inter = (size_t)m->intermediate_size;
  memcpy(packed, raw, l.layers * sizeof(float)); /* embeddings and their norm */
  for (int32_t layer = 0; layer < m->num_layers; layer++) {
    encoder_layer o = emu_encoder_layer(m, layer);
    memcpy(packed + o.q_w, raw + o.q_w, layer_stride(m) * sizeof(float)); /* biases and norms; matrices overwritten */
    transpose(raw + o.q_w, h, h, packed + o.q_w);
    transpose(raw + o.k_w, h, h, packed + o.k_w);
    transpose(raw + o.v_w, h, h, packed + o.v_w);
    transpose(raw + o.ao_w, h, h, packed + o.ao_w);
    transpose(raw + o.i_w, h, inter, packed + o.i_w);
    transpose(raw + o.o_w, inter, h, packed + o.o_w);
  }
  if (m->num_labels > 0) {
    memcpy(packed + l.pooler_w, raw + l.pooler_w, (l.total - l.pooler_w) * sizeof(float));
    transpose(raw + l.pooler_w, h, h, packed + l.pooler_w);
    transpose(raw + l.classifier_w, h, (size_t)m->num_labels, packed + l.classifier_w);
  }
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The same tuning as the decoder's: every candidate tiling, twice, over the program's rows (capped at 64). */
static int32_t autotune(const sendnn_program *p) {
  static const int32_t candidates[] = {1, 2, 4, 8};
  const sendnn_encoder_desc *m = &p->encoder;
  int32_t rows = p->shape.batch_size * p->shape.num_slots;
  if (rows > 64) rows = 64;
  int32_t width = m->intermediate_size > m->hidden_size ? m->intermediate_size : m->hidden_size;
  float *x = malloc(sizeof(float) * (size_t)rows * (size_t)width);
  float *y = malloc(sizeof(float) * (size_t)rows * (size_t)width);
  int32_t best = 1;
  if (x == NULL || y == NULL) goto done;
  for (size_t i = 0; i < (size_t)rows * (size_t)width; i++) x[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
  double best_s = INFINITY;
  for (size_t c = 0; c < sizeof candidates / sizeof candidates[0]; c++) {
    for (int rep = 0; rep < 2; rep++) {
      double start = now_s();
      for (int32_t layer = 0; layer < m->num_layers; layer++) {
        encoder_layer o = emu_encoder_layer(m, layer);
        int32_t h = m->hidden_size;
        emu_matmul(x, rows, h, p->packed + o.q_w, h, y, candidates[c]);
        emu_matmul(x, rows, h, p->packed + o.k_w, h, y, candidates[c]);
        emu_matmul(x, rows, h, p->packed + o.v_w, h, y, candidates[c]);
        emu_matmul(x, rows, h, p->packed + o.ao_w, h, y, candidates[c]);
        emu_matmul(x, rows, h, p->packed + o.i_w, m->intermediate_size, y, candidates[c]);
        emu_matmul(x, rows, m->intermediate_size, p->packed + o.o_w, h, y, candidates[c]);
      }
      double elapsed = now_s() - start;
      if (elapsed < best_s) {
        best_s = elapsed;
        best = candidates[c];
      }
    }
  }
done:
  free(x);
  free(y);
  return best;
}

int32_t sendnn_encoder_compile(sendnn_device *device, const sendnn_encoder_desc *model, const sendnn_buffer *weights,
                               const sendnn_program_shape *shape, sendnn_program **out_program) {
  emu_clear_error();
  if (device == NULL || weights == NULL || out_program == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_encoder_compile: null argument");
  int32_t status = check_encoder(model);
  if (status == SENDNN_OK) status = check_encoder_shape(model, shape);
  if (status != SENDNN_OK) return status;
  if (weights->kind != EMU_BUFFER_ENCODER_WEIGHTS || memcmp(&weights->encoder, model, sizeof *model) != 0) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_encoder_compile: the buffer is not the encoder weights buffer of this model");
  }
  emu_program_spec spec = encoder_spec(model, shape);
  sendnn_program *program;
  status = emu_program_new(device, &spec, &program);
  if (status != SENDNN_OK) return status;
  relayout(model, weights->data, program->packed);
  program->tile_rows = autotune(program);
  *out_program = program;
  return SENDNN_OK;
}

int32_t sendnn_encoder_load(sendnn_device *device, const sendnn_encoder_desc *model, const sendnn_program_shape *shape,
                            const char *artifact_path, const char *key, sendnn_program **out_program) {
  emu_clear_error();
  if (device == NULL || artifact_path == NULL || key == NULL || out_program == NULL) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_encoder_load: null argument");
  }
  int32_t status = check_encoder(model);
  if (status == SENDNN_OK) status = check_encoder_shape(model, shape);
  if (status != SENDNN_OK) return status;
  emu_program_spec spec = encoder_spec(model, shape);
  return emu_program_load(device, &spec, artifact_path, key, out_program);
}
