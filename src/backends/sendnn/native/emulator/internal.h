/* Internal declarations of the sendnn CPU emulator. Not part of the ABI. */
#ifndef SENDNN_EMU_INTERNAL_H
#define SENDNN_EMU_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../sendnn_abi.h"

#define EMU_LIBRARY_NAME "sendnn-emulator"
#define EMU_LIBRARY_VERSION "0.1.0"
#define EMU_MAX_THREADS 16

struct sendnn_device {
  uint64_t capacity_bytes;
  uint64_t used_bytes;
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
  uint64_t num_bytes;
  float *data;
};

/* Offsets (in floats) of one layer's tensors inside a packed program's weights. */
typedef struct {
  size_t input_norm, q, k, v, o, post_norm, gate, up, down;
} emu_layer_offsets;

struct sendnn_program {
  sendnn_device *device;
  emu_arch arch;
  sendnn_model_desc model;      /* zero for an encoder */
  sendnn_encoder_desc encoder;  /* zero for a decoder */
  sendnn_program_shape shape;
  int32_t tile_rows;        /* matmul rows per weight pass, chosen by the autotuner */
  uint64_t device_bytes;    /* packed weights + scratch charged to the device */
  size_t packed_floats;
  float *packed;            /* weights re-laid out [out][in] for this program */
  float *scratch;
  size_t scratch_floats;
};

/* errors.c */
int32_t emu_fail(int32_t status, const char *format, ...) __attribute__((format(printf, 2, 3)));
void emu_clear_error(void);

/* device.c */
int32_t emu_charge(sendnn_device *device, uint64_t num_bytes, const char *what);
void emu_release(sendnn_device *device, uint64_t num_bytes);
int32_t emu_check_model(const sendnn_model_desc *model);
int32_t emu_check_shape(const sendnn_model_desc *model, const sendnn_program_shape *shape);

/* layout.c */
size_t emu_raw_weight_floats(const sendnn_model_desc *model);
size_t emu_packed_weight_floats(const sendnn_model_desc *model);
size_t emu_scratch_floats(const sendnn_model_desc *model, const sendnn_program_shape *shape);
size_t emu_layer_stride(const sendnn_model_desc *model);
emu_layer_offsets emu_packed_layer(const sendnn_model_desc *model, int32_t layer);
size_t emu_packed_final_norm(const sendnn_model_desc *model);
size_t emu_packed_lm_head(const sendnn_model_desc *model);
void emu_relayout(const sendnn_model_desc *model, const float *raw, float *packed);
size_t emu_kv_floats_per_block(const sendnn_model_desc *model);

/* program.c */
typedef struct {
  emu_arch arch;
  sendnn_model_desc model;     /* zero for an encoder */
  sendnn_encoder_desc encoder; /* zero for a decoder */
  sendnn_program_shape shape;
  size_t packed_floats;
  size_t scratch_floats;
} emu_program_spec;

int32_t emu_program_new(sendnn_device *device, const emu_program_spec *spec, sendnn_program **out_program);
int32_t emu_program_load(sendnn_device *device, const emu_program_spec *spec, const char *artifact_path, const char *key,
                         sendnn_program **out_program);

/* kernels.c */
void emu_matmul(const float *x, int32_t rows, int32_t in_features, const float *w_out_in, int32_t out_features,
                float *y, int32_t tile_rows);
void emu_rms_norm(const float *x, const float *weight, int32_t width, double eps, float *out);
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

/* checksum.c */
uint64_t emu_checksum(const void *data, size_t num_bytes, uint64_t seed);

#endif
