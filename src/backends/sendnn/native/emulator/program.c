/* Programs: compile (re-layout + autotune), save and load cache artifacts, free. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define ARTIFACT_MAGIC "SNDNNART"
#define ARTIFACT_FORMAT 4u

typedef struct {
  char magic[8];
  uint32_t format_version;
  uint32_t abi_version;
  char library_name[32];
  char library_version[32];
  int32_t arch;
  sendnn_model_desc model;
  sendnn_encoder_desc encoder;
  sendnn_program_shape shape;
  int32_t num_cards;
  int32_t tile_rows;
  uint32_t key_bytes;
  uint64_t payload_bytes;
  uint64_t payload_checksum;
  uint64_t header_checksum; /* over this header (with this field 0) and the key */
} artifact_header;

static const char *kind_name(int32_t kind) {
  return kind == SENDNN_PROGRAM_PREFILL_CHUNK ? "prefill-chunk" : kind == SENDNN_PROGRAM_DECODE ? "decode" : "encoder";
}

int32_t emu_program_new(sendnn_device *device, const emu_program_spec *spec, sendnn_program **out_program) {
  const sendnn_program_shape *shape = &spec->shape;
  uint64_t card_bytes = spec->card_bytes;
  char what[160];
  snprintf(what, sizeof what, "the %s program (batch %d, slots %d, max context %d)", kind_name(shape->kind), shape->batch_size,
           shape->num_slots, shape->max_context);
  int32_t status = emu_charge(device, card_bytes, what);
  if (status != SENDNN_OK) return status;
  sendnn_program *program = calloc(1, sizeof *program);
  float *packed = malloc(spec->packed_floats * sizeof(float));
  float *scratch = calloc(spec->scratch_floats, sizeof(float));
  if (program == NULL || packed == NULL || scratch == NULL) {
    free(program);
    free(packed);
    free(scratch);
    emu_release(device, card_bytes);
    return emu_fail(SENDNN_E_HOST_MEMORY, "%s: out of host memory", what);
  }
  program->device = device;
  program->arch = spec->arch;
  program->model = spec->model;
  program->encoder = spec->encoder;
  program->shape = *shape;
  program->num_cards = spec->num_cards;
  program->tile_rows = 1;
  program->card_bytes = card_bytes;
  program->packed_floats = spec->packed_floats;
  program->packed = packed;
  program->scratch = scratch;
  program->scratch_floats = spec->scratch_floats;
  *out_program = program;
  return SENDNN_OK;
}

/* A decoder program on a device of `num_cards` cards: every card's weight shard, one scratch per card. */
static emu_program_spec decoder_spec(const sendnn_model_desc *model, int32_t num_cards, const sendnn_program_shape *shape) {
  emu_program_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.arch = EMU_ARCH_DECODER;
  spec.model = *model;
  spec.shape = *shape;
  spec.num_cards = num_cards;
  spec.packed_floats = emu_card_weight_offset(model, num_cards, num_cards);
  spec.scratch_floats = emu_card_scratch_floats(model, num_cards, shape) * (size_t)num_cards;
  spec.card_bytes = sendnn_program_bytes(model, num_cards, shape); /* scratch: the shards are resident (resident.c) */
  return spec;
}

int32_t sendnn_program_free(sendnn_program *program) {
  emu_clear_error();
  if (program == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_program_free: program is null");
  emu_release(program->device, program->card_bytes);
  if (program->resident != NULL) emu_drop_resident(program);
  else free(program->packed);
  free(program->scratch);
  free(program);
  return SENDNN_OK;
}

int32_t sendnn_program_compile(sendnn_device *device, const sendnn_model_desc *model, const sendnn_buffer *weights,
                               const sendnn_program_shape *shape, sendnn_program **out_program) {
  emu_clear_error();
  if (device == NULL || weights == NULL || out_program == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_program_compile: null argument");
  int32_t status = emu_check_model(model);
  if (status == SENDNN_OK) status = emu_check_cards(model, device->num_cards);
  if (status == SENDNN_OK) status = emu_check_shape(model, shape);
  if (status != SENDNN_OK) return status;
  if (weights->kind != EMU_BUFFER_WEIGHTS || memcmp(&weights->model, model, sizeof *model) != 0) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_program_compile: the buffer is not the weights buffer of this model");
  }
  sendnn_program *program;
  emu_program_spec spec = decoder_spec(model, device->num_cards, shape);
  status = emu_program_new(device, &spec, &program);
  if (status != SENDNN_OK) return status;
  for (int32_t card = 0; card < device->num_cards; card++) {
    emu_shard shard = emu_shard_of(model, card, device->num_cards);
    emu_relayout_shard(model, &shard, weights->data, program->packed + emu_card_weight_offset(model, card, device->num_cards));
  }
  status = emu_make_resident(program);
  if (status != SENDNN_OK) {
    sendnn_program_free(program);
    return status;
  }
  program->tile_rows = emu_autotune(program);
  *out_program = program;
  return SENDNN_OK;
}

static uint64_t header_checksum(artifact_header header, const char *key) {
  header.header_checksum = 0;
  uint64_t sum = emu_checksum(&header, sizeof header, 0);
  return emu_checksum(key, header.key_bytes, sum);
}

int32_t sendnn_program_save(const sendnn_program *program, const char *artifact_path, const char *key) {
  emu_clear_error();
  if (program == NULL || artifact_path == NULL || key == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_program_save: null argument");
  artifact_header header;
  memset(&header, 0, sizeof header);
  memcpy(header.magic, ARTIFACT_MAGIC, 8);
  header.format_version = ARTIFACT_FORMAT;
  header.abi_version = SENDNN_ABI_VERSION;
  snprintf(header.library_name, sizeof header.library_name, "%s", EMU_LIBRARY_NAME);
  snprintf(header.library_version, sizeof header.library_version, "%s", EMU_LIBRARY_VERSION);
  header.arch = program->arch;
  header.model = program->model;
  header.encoder = program->encoder;
  header.shape = program->shape;
  header.num_cards = program->num_cards;
  header.tile_rows = program->tile_rows;
  header.key_bytes = (uint32_t)strlen(key);
  header.payload_bytes = (uint64_t)program->packed_floats * sizeof(float);
  header.payload_checksum = emu_checksum(program->packed, header.payload_bytes, 0);
  header.header_checksum = header_checksum(header, key);

  char temp_path[4096];
  snprintf(temp_path, sizeof temp_path, "%s.tmp.%ld", artifact_path, (long)getpid());
  FILE *file = fopen(temp_path, "wb");
  if (file == NULL) return emu_fail(SENDNN_E_IO, "cannot write the artifact %s", temp_path);
  int ok = fwrite(&header, sizeof header, 1, file) == 1 && fwrite(key, 1, header.key_bytes, file) == header.key_bytes &&
           fwrite(program->packed, 1, header.payload_bytes, file) == header.payload_bytes;
  ok = fclose(file) == 0 && ok;
  if (!ok || rename(temp_path, artifact_path) != 0) {
    remove(temp_path);
    return emu_fail(SENDNN_E_IO, "cannot write the artifact %s", artifact_path);
  }
  return SENDNN_OK;
}

static int32_t check_header(const artifact_header *header, const char *stored_key, const emu_program_spec *spec, const char *key,
                            const char *path) {
  if (header_checksum(*header, stored_key) != header->header_checksum) {
    return emu_fail(SENDNN_E_ARTIFACT_CORRUPT, "artifact %s is corrupted: header checksum mismatch", path);
  }
  if (strncmp(header->library_name, EMU_LIBRARY_NAME, sizeof header->library_name) != 0 ||
      strncmp(header->library_version, EMU_LIBRARY_VERSION, sizeof header->library_version) != 0 ||
      header->abi_version != SENDNN_ABI_VERSION) {
    return emu_fail(SENDNN_E_ARTIFACT_MISMATCH, "artifact %s was built by %.32s %.32s (ABI %u); this library is %s %s (ABI %u)", path,
                    header->library_name, header->library_version, header->abi_version, EMU_LIBRARY_NAME, EMU_LIBRARY_VERSION,
                    SENDNN_ABI_VERSION);
  }
  if (strlen(key) != header->key_bytes || memcmp(stored_key, key, header->key_bytes) != 0) {
    return emu_fail(SENDNN_E_ARTIFACT_MISMATCH, "artifact %s was compiled for another key", path);
  }
  if (header->arch != (int32_t)spec->arch || memcmp(&header->model, &spec->model, sizeof spec->model) != 0 ||
      memcmp(&header->encoder, &spec->encoder, sizeof spec->encoder) != 0 || memcmp(&header->shape, &spec->shape, sizeof spec->shape) != 0) {
    return emu_fail(SENDNN_E_ARTIFACT_MISMATCH, "artifact %s was compiled for another model or shape", path);
  }
  if (header->num_cards != spec->num_cards) {
    return emu_fail(SENDNN_E_ARTIFACT_MISMATCH, "artifact %s was compiled for %d cards, this device has %d", path, header->num_cards, spec->num_cards);
  }
  if (header->payload_bytes != (uint64_t)spec->packed_floats * sizeof(float) || header->tile_rows <= 0) {
    return emu_fail(SENDNN_E_ARTIFACT_CORRUPT, "artifact %s is corrupted: wrong payload size", path);
  }
  return SENDNN_OK;
}

static int32_t read_artifact(FILE *file, sendnn_device *device, const emu_program_spec *spec, const char *path, const char *key,
                             sendnn_program **out_program) {
  artifact_header header;
  if (fread(&header, sizeof header, 1, file) != 1 || memcmp(header.magic, ARTIFACT_MAGIC, 8) != 0 ||
      header.format_version != ARTIFACT_FORMAT || header.key_bytes > 65536) {
    return emu_fail(SENDNN_E_ARTIFACT_CORRUPT, "artifact %s is corrupted: not a sendnn artifact header", path);
  }
  char *stored_key = malloc(header.key_bytes + 1u);
  if (stored_key == NULL) return emu_fail(SENDNN_E_HOST_MEMORY, "out of host memory reading %s", path);
  int32_t status = fread(stored_key, 1, header.key_bytes, file) == header.key_bytes
                       ? check_header(&header, stored_key, spec, key, path)
                       : emu_fail(SENDNN_E_ARTIFACT_CORRUPT, "artifact %s is corrupted: truncated key", path);
  free(stored_key);
  if (status != SENDNN_OK) return status;
  sendnn_program *program;
  status = emu_program_new(device, spec, &program);
  if (status != SENDNN_OK) return status;
  if (fread(program->packed, 1, header.payload_bytes, file) != header.payload_bytes || fgetc(file) != EOF) {
    sendnn_program_free(program);
    return emu_fail(SENDNN_E_ARTIFACT_CORRUPT, "artifact %s is corrupted: its length is wrong", path);
  }
  uint64_t checksum = emu_checksum(program->packed, header.payload_bytes, 0);
  if (checksum != header.payload_checksum) {
    sendnn_program_free(program);
    return emu_fail(SENDNN_E_ARTIFACT_CORRUPT, "artifact %s is corrupted: checksum %016llx, expected %016llx", path,
                    (unsigned long long)checksum, (unsigned long long)header.payload_checksum);
  }
  program->tile_rows = header.tile_rows;
  if (program->arch == EMU_ARCH_DECODER) {
    status = emu_make_resident(program);
    if (status != SENDNN_OK) {
      sendnn_program_free(program);
      return status;
    }
  }
  *out_program = program;
  return SENDNN_OK;
}

int32_t emu_program_load(sendnn_device *device, const emu_program_spec *spec, const char *artifact_path, const char *key,
                         sendnn_program **out_program) {
  FILE *file = fopen(artifact_path, "rb");
  if (file == NULL) return emu_fail(SENDNN_E_CACHE_MISS, "no artifact at %s", artifact_path);
  int32_t status = read_artifact(file, device, spec, artifact_path, key, out_program);
  fclose(file);
  return status;
}

int32_t sendnn_program_load(sendnn_device *device, const sendnn_model_desc *model, const sendnn_program_shape *shape,
                            const char *artifact_path, const char *key, sendnn_program **out_program) {
  emu_clear_error();
  if (device == NULL || artifact_path == NULL || key == NULL || out_program == NULL) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_program_load: null argument");
  }
  int32_t status = emu_check_model(model);
  if (status == SENDNN_OK) status = emu_check_cards(model, device->num_cards);
  if (status == SENDNN_OK) status = emu_check_shape(model, shape);
  if (status != SENDNN_OK) return status;
  emu_program_spec spec = decoder_spec(model, device->num_cards, shape);
  return emu_program_load(device, &spec, artifact_path, key, out_program);
}
