// The back office's words for its users area, in English and Danish (the Danish must have the English shape).
const en = {};

const da: typeof en = {};

export const usersTexts = { en, da };
