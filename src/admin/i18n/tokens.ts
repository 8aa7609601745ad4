// The back office's words for its tokens area, in English and Danish (the Danish must have the English shape).
const en = {};

const da: typeof en = {};

export const tokensTexts = { en, da };
