/* Internal declarations of the sendnn CPU emulator. Not part of the ABI. */
#ifndef SENDNN_EMU_INTERNAL_H
#define SENDNN_EMU_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../sendnn_abi.h"

#define EMU_LIBRARY_NAME "sendnn-emulator"
#define EMU_LIBRARY_VERSION "0.1.0"
#define EMU_MAX_THREADS 16
#define EMU_MAX_CARDS 8

/* cards.c: the card threads of a device (NULL for a device of one card, which runs on the caller's thread). */
typedef struct emu_cards emu_cards;
typedef void (*emu_card_fn)(void *arg, int32_t card);
int32_t emu_cards_start(int32_t num_cards, emu_cards **out);
void emu_cards_run(emu_cards *cards, emu_card_fn fn, void *arg); /* fn(arg, card) on every card; returns when all are done */
void emu_cards_sync(emu_cards *cards);                            /* a barrier among the cards (the all-reduce's) */
void emu_cards_stop(emu_cards *cards);
/* Set in the card threads of a multi-card device: kernels run serially there (the cards are the parallelism). */
extern _Thread_local int emu_serial_kernels;

typedef struct emu_resident emu_resident; /* resident.c */

struct sendnn_device {
  int32_t num_cards;
  emu_resident *residents;           /* the weight shards the decoder programs share */
  uint64_t capacity_bytes;           /* per card */
  uint64_t used_bytes[EMU_MAX_CARDS];
  emu_cards *cards;
  int64_t runs;          /* programs run so far */
  int64_t fail_at_run;   /* SENDNN_EMU_FAIL_RUN: the run (1-based) that faults; 0 = never */
  int32_t open_objects;  /* buffers and programs not yet freed */
};

typedef enum { EMU_BUFFER_WEIGHTS = 1, EMU_BUFFER_KV = 2, EMU_BUFFER_ENCODER_WEIGHTS = 3 } emu_buffer_kind;

/* What a program computes. */
typedef enum { EMU_ARCH_DECODER = 0, EMU_ARCH_ENCODER = 1 } emu_arch;

struct sendnn_buffer {
  sendnn_device *device;
  emu_buffer_kind kind;
  sendnn_model_desc model;           /* decoder buffers */
  sendnn_encoder_desc encoder;       /* encoder weights */
  int32_t num_blocks; /* KV only */
  int32_t num_cards;  /* KV: one shard per card, card c at data + c * (num_bytes / num_cards) / sizeof(float) */
  uint64_t num_bytes;  /* the whole buffer (all cards) */
  uint64_t card_bytes; /* charged to each card */
  float *data;
};

/* Offsets (in floats) of one layer's tensors inside the raw weights or one card's packed shard. */
typedef struct {
  size_t input_norm, input_norm_b, q, q_b, k, k_b, v, v_b, o, o_b, post_norm, post_norm_b, gate, up, up_b, down, down_b;
} emu_layer_offsets;

/* What one card holds of a decoder (layout.c): a contiguous range of heads, KV heads, intermediate columns and
 * vocabulary rows. */
typedef struct {
  int32_t card, num_cards;
  int32_t head0, heads, kv_head0, kv_heads, inter0, inter, vocab0, vocab;
} emu_shard;

/* Widths of a layout: hidden, intermediate, q (heads*head_dim), k (kv_heads*head_dim), vocabulary, position rows
 * (GPT-2), and whether the family has biases and LayerNorm biases instead of a gate (GPT-2). */
typedef struct {
  size_t h, i, q, k, v, p;
  int gpt2;
} emu_dims;

struct sendnn_program {
  sendnn_device *device;
  emu_arch arch;
  sendnn_model_desc model;      /* zero for an encoder */
  sendnn_encoder_desc encoder;  /* zero for a decoder */
  sendnn_program_shape shape;
  int32_t num_cards;        /* decoders: one weight shard and one scratch per card; encoders: 1 */
  int32_t tile_rows;        /* matmul rows per weight pass, chosen by the autotuner */
  uint64_t card_bytes;      /* charged to each card by the program itself: scratch (decoders), packed weights + scratch (encoders) */
  size_t packed_floats;     /* all cards' shards */
  float *packed;            /* weights re-laid out [out][in]: card c's shard at emu_card_weight_offset */
  emu_resident *resident;   /* decoders: the shared resident copy `packed` points into (NULL before it is made resident) */
  float *scratch;           /* card c's at scratch + c * scratch_floats / num_cards */
  size_t scratch_floats;
};

/* errors.c */
int32_t emu_fail(int32_t status, const char *format, ...) __attribute__((format(printf, 2, 3)));
void emu_clear_error(void);

/* device.c: every card is charged the same amount (the largest card's share) */
int32_t emu_charge(sendnn_device *device, uint64_t card_bytes, const char *what);
void emu_release(sendnn_device *device, uint64_t card_bytes);
int32_t emu_check_model(const sendnn_model_desc *model);
int32_t emu_check_cards(const sendnn_model_desc *model, int32_t num_cards);
int32_t emu_check_shape(const sendnn_model_desc *model, const sendnn_program_shape *shape);

/* layout.c */
emu_shard emu_shard_of(const sendnn_model_desc *model, int32_t card, int32_t num_cards);
emu_dims emu_full_dims(const sendnn_model_desc *model);
emu_dims emu_shard_dims(const sendnn_model_desc *model, const emu_shard *shard);
emu_layer_offsets emu_layer_at(const emu_dims *dims, int32_t layer);
size_t emu_final_norm_at(const emu_dims *dims, int32_t num_layers);
size_t emu_final_norm_bias_at(const emu_dims *dims, int32_t num_layers);
size_t emu_positions_at(const emu_dims *dims);
size_t emu_lm_head_at(const emu_dims *dims, int32_t num_layers);
size_t emu_raw_weight_floats(const sendnn_model_desc *model);
size_t emu_shard_weight_floats(const sendnn_model_desc *model, const emu_shard *shard);
size_t emu_card_weight_offset(const sendnn_model_desc *model, int32_t card, int32_t num_cards);
size_t emu_largest_shard_floats(const sendnn_model_desc *model, int32_t num_cards);
size_t emu_card_scratch_floats(const sendnn_model_desc *model, int32_t num_cards, const sendnn_program_shape *shape);
size_t emu_kv_floats_per_block(const sendnn_model_desc *model, int32_t num_cards); /* one card's share */
void emu_relayout_shard(const sendnn_model_desc *model, const emu_shard *shard, const float *raw, float *packed);

/* program.c */
typedef struct {
  emu_arch arch;
  sendnn_model_desc model;     /* zero for an encoder */
  sendnn_encoder_desc encoder; /* zero for a decoder */
  sendnn_program_shape shape;
  int32_t num_cards;
  size_t packed_floats;  /* all cards */
  size_t scratch_floats; /* all cards */
  uint64_t card_bytes;   /* charged to each card */
} emu_program_spec;

int32_t emu_program_new(sendnn_device *device, const emu_program_spec *spec, sendnn_program **out_program);
int32_t emu_program_load(sendnn_device *device, const emu_program_spec *spec, const char *artifact_path, const char *key,
                         sendnn_program **out_program);

/* kernels.c */
void emu_matmul(const float *x, int32_t rows, int32_t in_features, const float *w_out_in, int32_t out_features,
                float *y, int32_t tile_rows);
void emu_rms_norm(const float *x, const float *weight, int32_t width, double eps, float *out);
void emu_layer_norm(const float *x, const float *weight, const float *bias, int32_t width, double eps, float *out);
float emu_gelu_tanh(float x);
void emu_rotary(float *x, int32_t num_heads, int32_t head_dim, int32_t position, double rope_theta);
int32_t emu_autotune(const sendnn_program *program);

/* encoder.c: offsets (in floats) of an encoder's tensors; raw and packed layouts share them. */
typedef struct {
  size_t word, position, type, emb_norm_w, emb_norm_b, layers, pooler_w, pooler_b, classifier_w, classifier_b, total;
} encoder_layout;

typedef struct {
  size_t q_w, q_b, k_w, k_b, v_w, v_b, ao_w, ao_b, an_w, an_b, i_w, i_b, o_w, o_b, on_w, on_b;
} encoder_layer;

encoder_layout emu_encoder_layout(const sendnn_encoder_desc *model);
encoder_layer emu_encoder_layer(const sendnn_encoder_desc *model, int32_t layer);

/* resident.c */
int32_t emu_make_resident(sendnn_program *program);
void emu_drop_resident(sendnn_program *program);

/* checksum.c */
uint64_t emu_checksum(const void *data, size_t num_bytes, uint64_t seed);

#endif
