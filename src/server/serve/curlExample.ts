/** A copy-paste request against a freshly started server. */
export function curlExample(baseUrl: string, servedModelName: string, withApiKey: boolean): string {
  const auth = withApiKey ? ` \\\n  -H "Authorization: Bearer $SPYRE_API_KEY"` : '';
  const body = JSON.stringify({ model: servedModelName, prompt: 'Hello, my name is', max_tokens: 16, temperature: 0 });
  return `curl ${baseUrl}/v1/completions -H 'Content-Type: application/json'${auth} \\\n  -d '${body}'`;
}
