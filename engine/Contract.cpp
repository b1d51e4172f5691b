//===- Contract.cpp - The in-memory ownership contract model --------------===//

#include "Contract.h"
#include "ContractLoader.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace custody;

Condition Condition::negate() const {
  switch (Op) {
  case EQ:
    return {NE, Value};
  case NE:
    return {EQ, Value};
  case LT:
    return {GE, Value};
  case LE:
    return {GT, Value};
  case GT:
    return {LE, Value};
  case GE:
    return {LT, Value};
  }
  return *this;
}

std::string Condition::str() const {
  static const char *Names[] = {"==", "!=", "<", "<=", ">", ">="};
  return std::string(Names[Op]) + " " + std::to_string(Value);
}

std::optional<Condition> FunctionContract::successCondition() const {
  if (Success)
    return Success;
  if (Returns && Returns->NullOnFailure)
    return Condition{Condition::NE, 0};
  return std::nullopt;
}

std::string ContractSet::functionKey(llvm::StringRef Name) {
  size_t Paren = Name.find('(');
  if (Paren == llvm::StringRef::npos)
    return Name.str();
  std::string Key = Name.substr(0, Paren).rtrim().str();
  for (char C : Name.substr(Paren))
    if (!isspace(static_cast<unsigned char>(C)))
      Key += C;
  return Key;
}

const FunctionContract *ContractSet::lookup(llvm::StringRef Name) const {
  auto It = Functions.find(Name);
  return It == Functions.end() || It->second.MemberOnly ? nullptr : &It->second;
}

const FunctionContract *ContractSet::lookupMember(llvm::StringRef Record,
                                                  llvm::StringRef Name) const {
  if (Record.empty())
    return nullptr;
  auto It = Functions.find(Name);
  if (It == Functions.end())
    return nullptr;
  const FunctionContract *FC = &It->second;
  for (const LibraryContract &L : Libraries)
    if (L.Library == FC->Library && llvm::is_contained(L.MembersOf, Record))
      return FC;
  return nullptr;
}

const Resource *ContractSet::resource(llvm::StringRef Name) const {
  auto It = Resources.find(Name);
  return It == Resources.end() ? nullptr : &It->second;
}

bool ContractSet::isNonOwningByPrefix(llvm::StringRef Name) const {
  for (const LibraryContract &L : Libraries)
    for (const std::string &P : L.NonOwningPrefixes)
      if (Name.starts_with(P))
        return true;
  return false;
}

bool ContractSet::rejectsNullIn(llvm::StringRef Family) const {
  for (const LibraryContract &L : Libraries)
    if (L.Checks == Family && L.RejectsNull)
      return true;
  return false;
}

std::shared_ptr<ContractSet>
ContractSet::activeFor(const std::vector<std::string> &IncludedFiles) const {
  auto Out = std::make_shared<ContractSet>();
  llvm::StringSet<> Active;
  for (const LibraryContract &L : Libraries) {
    bool On =
        L.Headers.empty() || llvm::any_of(L.Headers, [&](const std::string &H) {
          return headerIncluded(H, IncludedFiles);
        });
    if (!On)
      continue;
    Active.insert(L.Library);
    Out->Libraries.push_back(L);
  }
  // Every resource stays known: a user's function may hand out a resource of
  // a library whose header this file does not include.
  for (const auto &R : Resources)
    Out->Resources.try_emplace(R.first(), R.second);
  for (const auto &F : Functions)
    if (Active.count(F.second.Library))
      Out->Functions.try_emplace(F.first(), F.second);
  for (const auto &T : Types)
    if (Active.count(T.second.Library))
      Out->Types.try_emplace(T.first(), T.second);
  for (const auto &F : Factories)
    if (Out->Types.count(F.second.Type))
      Out->Factories.try_emplace(F.first(), F.second);
  // A user's own structs: their fields are declared whatever is included.
  Out->Fields = Fields;
  for (const LibraryContract &L : Out->Libraries)
    Out->DefaultReturnsOff |= L.NoDefaultReturns;
  if (!Out->DefaultReturnsOff)
    for (const DefaultReturn &D : DefaultReturns)
      if (Active.count(D.Library))
        Out->DefaultReturns.push_back(D);
  return Out;
}
