// The back office's words for its workflows area, in English and Danish (the Danish must have the English shape).
const en = {};

const da: typeof en = {};

export const workflowsTexts = { en, da };
