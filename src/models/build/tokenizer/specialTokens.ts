// ChatML special tokens, at the front of the vocabulary as in SmolLM: id 0 pads, id 1 opens a turn
// (and serves as bos), id 2 closes a turn (and serves as eos, so a chat reply ends at its turn end).

export const SPECIAL_TOKENS = {
  pad: { id: 0, content: '<|endoftext|>' },
  bos: { id: 1, content: '<|im_start|>' },
  eos: { id: 2, content: '<|im_end|>' },
} as const;

export const SPECIAL_TOKEN_CONTENTS: readonly string[] = [
  SPECIAL_TOKENS.pad.content,
  SPECIAL_TOKENS.bos.content,
  SPECIAL_TOKENS.eos.content,
];

/** ChatML, as SmolLM-Instruct and Qwen write it; renders with @huggingface/jinja. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
