/*
 * sendnn ABI: the C boundary between spyre-engine and a device library (the bundled CPU emulator,
 * or a vendor library with the same ABI selected by SPYRE_SENDNN_LIBRARY).
 *
 * Rules of the boundary:
 *  - Every call returns a status (SENDNN_OK or a SENDNN_E_* code); on failure, sendnn_last_error()
 *    returns a human-readable message for the calling thread, valid until its next call.
 *  - Programs run fixed shapes only: a program is compiled (or loaded from a cache artifact) for one
 *    sendnn_program_shape, and running it with any other shape is SENDNN_E_NOT_COMPILED.
 *  - Device memory is finite: every buffer and program is charged against the capacity given to
 *    sendnn_device_open; a request beyond it is SENDNN_E_DEVICE_MEMORY.
 *  - KV cache is paged in blocks of SENDNN_BLOCK_SIZE positions. Block 0 is the null block: writes
 *    to it are discarded.
 *  - A device is a group of num_cards cards (ABI 3), each with its own memory capacity. Decoder weights are
 *    sharded Megatron-style: card c of N holds the attention heads [c*heads/N, (c+1)*heads/N) (their columns of
 *    q, their rows of o), the KV heads [c*kv_heads/N, ...) (columns of k and v, and those heads of every KV
 *    block), the columns [c*I/N, ...) of gate and up and the same rows of down, and the vocabulary rows
 *    [c*V/N, ...) of the embedding and of the lm head; norms are replicated. A run computes on all cards at
 *    once and all-reduces (sums, in card order) after the attention output projection, after the MLP and after
 *    the embedding; each card writes its vocabulary columns of the logits. heads and kv_heads must divide by N.
 *    Every buffer and program is charged to every card (the largest card's share). Encoders use one card.
 *
 * Version history: 1 decoders; 2 encoders (sendnn_encoder_desc, encoder calls); 3 cards (sendnn_device_open
 * takes a card count and a per-card capacity, sendnn_device_memory a card, the size queries a card count and
 * return bytes per card); 4 decoder families (sendnn_model_desc gains family and max_positions: GPT-2); 5 Granite
 * (sendnn_model_desc gains embedding_multiplier, residual_multiplier, attention_multiplier and logits_scaling at
 * its end; 0 in each means plain Llama, so a description zero-filled past max_positions means what it did in 4); 6 block copies
 * (sendnn_kv_copy_blocks: copy on write when a sequence forks).
 *
 * Bump SENDNN_ABI_VERSION on any change of a signature, struct layout or documented meaning.
 */
#ifndef SENDNN_ABI_H
#define SENDNN_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SENDNN_ABI_VERSION 6u
#define SENDNN_BLOCK_SIZE 64

/* Status codes. */
#define SENDNN_OK 0
#define SENDNN_E_INVALID_ARGUMENT 1  /* a null handle, a bad size, a block id outside the KV buffer */
#define SENDNN_E_DEVICE_MEMORY 2     /* the device's memory capacity would be exceeded */
#define SENDNN_E_NOT_COMPILED 3      /* a run whose shape is not the program's compiled shape */
#define SENDNN_E_CACHE_MISS 4        /* no artifact at the given path */
#define SENDNN_E_ARTIFACT_MISMATCH 5 /* an artifact for another key, model, shape or library version */
#define SENDNN_E_ARTIFACT_CORRUPT 6  /* an artifact whose checksum or length is wrong */
#define SENDNN_E_IO 7                /* a file could not be read or written */
#define SENDNN_E_UNSUPPORTED 8       /* a program kind this library does not implement */
#define SENDNN_E_DEVICE_FAULT 9      /* the device failed while running a program */
#define SENDNN_E_HOST_MEMORY 10      /* the host could not allocate memory */

/* Program kinds. */
#define SENDNN_PROGRAM_PREFILL_CHUNK 1 /* batch 1, num_slots = chunk size */
#define SENDNN_PROGRAM_DECODE 2        /* batch = decode batch size, num_slots = 1 */
#define SENDNN_PROGRAM_ENCODER 3       /* batch = batch size, num_slots = prompt length */

typedef struct sendnn_device sendnn_device;
typedef struct sendnn_buffer sendnn_buffer;
typedef struct sendnn_program sendnn_program;

/*
 * A decoder of one of two families (fp32):
 *  - SENDNN_FAMILY_LLAMA: RMSNorm, rotate-half rotary (rope_theta), grouped-query attention, SwiGLU, no biases;
 *  - SENDNN_FAMILY_GPT2: LayerNorm with bias (eps in rms_norm_eps), learned absolute positions (max_positions
 *    rows, indexed by the run's positions; rope_theta unused), biases on q, k, v, o, up and down, GELU with the
 *    tanh approximation (gelu_new), no gate; num_kv_heads = num_heads.
 * The weights buffer holds float32 tensors, concatenated in this order, each row-major in the
 * [in_features, out_features] layout a MatMul uses (V vocab, H hidden, I intermediate, Q = heads*head_dim,
 * K = kv_heads*head_dim, P max_positions); the tensors marked (G) exist only in GPT-2, (L) only in Llama:
 *   embed_tokens [V,H]; positions [P,H] (G);
 *   per layer: input norm [H], its bias [H] (G), q [H,Q], q bias [Q] (G), k [H,K], k bias [K] (G), v [H,K],
 *              v bias [K] (G), o [Q,H], o bias [H] (G), post-attention norm [H], its bias [H] (G),
 *              gate [H,I] (L), up [H,I], up bias [I] (G), down [I,H], down bias [H] (G);
 *   final norm [H], its bias [H] (G); lm_head [H,V] (absent when tie_word_embeddings: logits use embed_tokens rows).
 * Granite (ABI 5, Llama family only; each 0 = the Llama value, each else > 0): the embedding rows are multiplied
 * by embedding_multiplier after the lookup (after the embedding's all-reduce); each attention output projection's
 * and each MLP down projection's output by residual_multiplier before it is added to the residual stream (after
 * their all-reduce); the attention scores q.k by attention_multiplier instead of 1/sqrt(head_dim); the logits are
 * divided by logits_scaling. GPT-2 descriptions must leave the four at 0.
 */
#define SENDNN_FAMILY_LLAMA 0
#define SENDNN_FAMILY_GPT2 1

typedef struct sendnn_model_desc {
  int32_t vocab_size;
  int32_t hidden_size;
  int32_t intermediate_size;
  int32_t num_layers;
  int32_t num_heads;
  int32_t num_kv_heads;
  int32_t head_dim;
  int32_t tie_word_embeddings; /* 0 or 1 */
  double rms_norm_eps;
  double rope_theta;
  int32_t family;        /* SENDNN_FAMILY_LLAMA or SENDNN_FAMILY_GPT2 (ABI 4) */
  int32_t max_positions; /* GPT-2: rows of the position table; 0 for Llama (ABI 4) */
  double embedding_multiplier; /* Granite; 0: 1 (ABI 5) */
  double residual_multiplier;  /* Granite; 0: 1 (ABI 5) */
  double attention_multiplier; /* Granite; 0: 1/sqrt(head_dim) (ABI 5) */
  double logits_scaling;       /* Granite; 0: 1 (ABI 5) */
} sendnn_model_desc;

/*
 * A BERT-style encoder (learned absolute positions counted over real tokens only, token types, post-LayerNorm,
 * GELU). Raw weights, float32, [in, out] per matrix, in this order (V vocab, P positions, T token types,
 * H hidden, I intermediate, L labels):
 *   word [V,H], position [P,H], token type [T,H], embeddings LayerNorm weight [H], bias [H];
 *   per layer: query W [H,H], b [H], key W, b, value W, b, attention output W [H,H], b, its LayerNorm w, b,
 *              intermediate W [H,I], b [I], output W [I,H], b [H], its LayerNorm w, b;
 *   when num_labels > 0: pooler W [H,H], b [H], classifier W [H,L], b [L].
 * A run returns one vector per row: with num_labels = 0 the pooled last hidden state (mean over real tokens
 * or the first real token, not normalised), else the classifier logits of the first real token.
 * classifier_activation: what follows the pooler's dense layer: SENDNN_CLASSIFIER_TANH (0, BERT's pooler) or
 * SENDNN_CLASSIFIER_RELU (1, DistilBERT's pre_classifier). Since ABI 4; the field was `reserved` before, which
 * had to be 0, so every description valid before means what it meant. A model without token types passes
 * type_vocab_size 1 with a zero row.
 */
#define SENDNN_POOLING_MEAN 0
#define SENDNN_POOLING_CLS 1
#define SENDNN_CLASSIFIER_TANH 0
#define SENDNN_CLASSIFIER_RELU 1

typedef struct sendnn_encoder_desc {
  int32_t vocab_size;
  int32_t hidden_size;
  int32_t intermediate_size;
  int32_t num_layers;
  int32_t num_heads;
  int32_t max_positions;
  int32_t type_vocab_size;
  int32_t num_labels;
  int32_t pooling;
  int32_t classifier_activation; /* SENDNN_CLASSIFIER_TANH (0) or SENDNN_CLASSIFIER_RELU */
  double layer_norm_eps;
} sendnn_encoder_desc;

/* The fixed shape of a program. max_context is the largest context (tkv) it attends to, a multiple of 64. */
typedef struct sendnn_program_shape {
  int32_t kind;
  int32_t batch_size;
  int32_t num_slots;
  int32_t max_context;
} sendnn_program_shape;

/* Library identity. The strings are static. */
uint32_t sendnn_abi_version(void);
const char *sendnn_library_name(void);
const char *sendnn_library_version(void);
const char *sendnn_last_error(void);
const char *sendnn_status_name(int32_t status);

/* Devices: num_cards cards (1..8 in the emulator) of memory_capacity_bytes_per_card each. */
int32_t sendnn_device_open(int32_t num_cards, uint64_t memory_capacity_bytes_per_card, sendnn_device **out_device);
int32_t sendnn_device_close(sendnn_device *device);
int32_t sendnn_device_memory(const sendnn_device *device, int32_t card, uint64_t *out_total_bytes, uint64_t *out_used_bytes);

/* Bytes each card of a num_cards device holds, for up-front checks (0 for an invalid model or card count). The
 * raw weights buffer is staged across the cards (1/N each); the packed weight shard is resident once per card
 * and shared by every decoder program of the model (charged when the first is compiled or loaded, released with
 * the last); a program holds its scratch; the KV cache the card's KV heads of every block. */
uint64_t sendnn_weights_bytes(const sendnn_model_desc *model, int32_t num_cards);
uint64_t sendnn_packed_weights_bytes(const sendnn_model_desc *model, int32_t num_cards);
uint64_t sendnn_kv_bytes(const sendnn_model_desc *model, int32_t num_cards, int32_t num_blocks);
uint64_t sendnn_program_bytes(const sendnn_model_desc *model, int32_t num_cards, const sendnn_program_shape *shape);

/* Buffers: the raw weights (layout above) and the paged KV cache of num_blocks blocks. */
int32_t sendnn_buffer_alloc_weights(sendnn_device *device, const sendnn_model_desc *model, sendnn_buffer **out_buffer);
int32_t sendnn_buffer_alloc_kv(sendnn_device *device, const sendnn_model_desc *model, int32_t num_blocks, sendnn_buffer **out_buffer);
int32_t sendnn_buffer_write(sendnn_buffer *buffer, uint64_t offset_bytes, const void *data, uint64_t num_bytes);
int32_t sendnn_buffer_free(sendnn_buffer *buffer);

/*
 * Copies KV blocks on every card, in order: block targets[i] gets the keys and values (every layer, the card's
 * KV heads) of block sources[i]. Block 0 is never a target. When a sequence forks (parallel sampling), the
 * copies share the prompt's full blocks and each gets a copy of the partially filled last one.
 */
int32_t sendnn_kv_copy_blocks(sendnn_buffer *kv, int32_t num_copies, const int32_t *sources, const int32_t *targets);

/*
 * Programs. Compiling re-lays out the weights for the shape and tunes its kernels (real work);
 * saving writes the artifact (header with the key, library version, model, shape and a checksum, then
 * the re-laid-out weights); loading reads and verifies an artifact and skips the compilation.
 * `key` is an opaque caller string (model, shapes, config and versions) that a load must match.
 */
int32_t sendnn_program_compile(sendnn_device *device, const sendnn_model_desc *model, const sendnn_buffer *weights,
                               const sendnn_program_shape *shape, sendnn_program **out_program);
int32_t sendnn_program_save(const sendnn_program *program, const char *artifact_path, const char *key);
int32_t sendnn_program_load(sendnn_device *device, const sendnn_model_desc *model, const sendnn_program_shape *shape,
                            const char *artifact_path, const char *key, sendnn_program **out_program);
int32_t sendnn_program_free(sendnn_program *program);

/*
 * Runs a program on the KV buffer. R = shape.batch_size rows of S = shape.num_slots slots each.
 * num_rows must equal R and num_context_blocks must be <= shape.max_context / 64.
 *   token_ids [R*S], positions [R*S] (rotary positions), slot_mask [R*S] (1 = real token, 0 = padding);
 *   block_tables [R*num_context_blocks]: the block holding each 64 context positions of a row;
 *   slot_blocks [R*ceil(S/64)]: where slot s of a row writes its KV (block slot_blocks[s/64], offset
 *     (chunk_start+s)%64); 0 discards the write;
 *   row_info [R*3]: per row {context_start, chunk_start, sample_slot}: the row attends to context
 *     positions [context_start, chunk_start+s] for slot s (those before chunk_start through block_tables,
 *     its own slots directly); sample_slot is the slot whose logits are returned, or -1 for none;
 *   logits_out [R*V]: the logits of each row's sample slot (zeros when it samples nothing).
 */
int32_t sendnn_program_run(sendnn_program *program, sendnn_buffer *kv, int32_t num_rows, int32_t num_context_blocks,
                           const int32_t *token_ids, const int32_t *positions, const uint8_t *slot_mask,
                           const int32_t *block_tables, const int32_t *slot_blocks, const int32_t *row_info,
                           float *logits_out);

/*
 * Encoder programs (kind SENDNN_PROGRAM_ENCODER, batch_size rows of num_slots tokens, max_context = num_slots).
 * They are saved with sendnn_program_save and freed with sendnn_program_free like decoder programs.
 * sendnn_encoder_run: input_ids, token_type_ids and attention_mask [R*S] (row-major; mask 1 = real token),
 * out [R*W] with W = hidden_size (num_labels = 0) or num_labels.
 */
uint64_t sendnn_encoder_weights_bytes(const sendnn_encoder_desc *model);
uint64_t sendnn_encoder_program_bytes(const sendnn_encoder_desc *model, const sendnn_program_shape *shape);
int32_t sendnn_buffer_alloc_encoder_weights(sendnn_device *device, const sendnn_encoder_desc *model, sendnn_buffer **out_buffer);
int32_t sendnn_encoder_compile(sendnn_device *device, const sendnn_encoder_desc *model, const sendnn_buffer *weights,
                               const sendnn_program_shape *shape, sendnn_program **out_program);
int32_t sendnn_encoder_load(sendnn_device *device, const sendnn_encoder_desc *model, const sendnn_program_shape *shape,
                            const char *artifact_path, const char *key, sendnn_program **out_program);
int32_t sendnn_encoder_run(sendnn_program *program, int32_t num_rows, const int32_t *input_ids, const int32_t *token_type_ids,
                           const uint8_t *attention_mask, float *out);

#ifdef __cplusplus
}
#endif

#endif /* SENDNN_ABI_H */
