// The stop step: ends the run here, successfully.
import type { StepDefinition, StepOf } from './step.ts';

export const stopStep: StepDefinition<StepOf<'stop'>> = {
  final: 'always',
  next: () => 'stop',

  async describe() {
    return { wouldDo: 'Would stop the run here (successfully).' };
  },

  async run(_step, run) {
    await run.commit('succeeded', { reason: 'A stop step ended the run.' });
  },
};
