// Chat templates are Jinja programs shipped in tokenizer_config.json; rendering them the way
// transformers does (same variable names, `raise_exception`) lets a model's own template run as is.
import { Template } from '@huggingface/jinja';

export interface ChatMessage {
  readonly role: string;
  readonly content: string;
}

export interface ChatTemplateOptions {
  /** Append the prompt that opens the assistant's turn (what a server does before generating). */
  readonly addGenerationPrompt: boolean;
}

export interface ChatTemplateTokens {
  readonly bosToken: string | undefined;
  readonly eosToken: string | undefined;
}

export class ChatTemplateError extends Error {
  override readonly name = 'ChatTemplateError';
}

/** A parsed template, reusable across requests (parsing is the expensive part). */
export class ChatTemplate {
  private readonly template: Template;

  constructor(
    readonly source: string,
    private readonly tokens: ChatTemplateTokens,
  ) {
    try {
      this.template = new Template(source);
    } catch (error) {
      throw new ChatTemplateError(`chat template does not parse: ${(error as Error).message}`);
    }
  }

  /** Renders; a template that rejects the messages (via `raise_exception`) or fails at runtime throws ChatTemplateError. */
  render(messages: readonly ChatMessage[], options: ChatTemplateOptions): string {
    try {
      // @huggingface/jinja defines raise_exception itself (as transformers does), so it is not passed in.
      return this.template.render({
        messages: messages.map((message) => ({ role: message.role, content: message.content })),
        add_generation_prompt: options.addGenerationPrompt,
        bos_token: this.tokens.bosToken ?? '',
        eos_token: this.tokens.eosToken ?? '',
      });
    } catch (error) {
      throw new ChatTemplateError(`chat template failed: ${(error as Error).message}`);
    }
  }
}
