/** A small chat-like scenario for the capacity-planner tests: 40 requests, a rate that `sim plan` replaces; granite-3.3-8b on 4 cards per replica. */
export const PLAN_TEST_SCENARIO = {
  config: { max_model_len: 1024, max_num_seqs: 4, tensor_parallel_size: 4 },
  workload: {
    num_requests: 40,
    seed: 2,
    arrival: { process: 'poisson', rate: 1 },
    prompt_len: { dist: 'uniform', min: 50, max: 400 },
    output_len: { dist: 'uniform', min: 8, max: 32 },
  },
};
