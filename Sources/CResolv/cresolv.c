#include "cresolv.h"
